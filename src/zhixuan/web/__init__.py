"""The Django web application: a thin shell over the rules core (``zhixuan.rules``).

Apps hold models, ``actions`` (the only place state changes: one transaction and one audit
entry each), ``selectors`` (reads) and views that parse, call and render.
"""
