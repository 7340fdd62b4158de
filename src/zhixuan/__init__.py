"""zhixuan — public recommendation, direct election (公推直选) of township Party leadership teams."""

__version__ = "0.1.0"
