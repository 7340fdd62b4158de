"""Reading the paper ballots zhixuan printed back from scanner images (no Django: pure image processing)."""
