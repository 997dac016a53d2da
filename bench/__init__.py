"""The benchmark: its deterministic dataset (dataset.py), the pages it measures (pages.py), the
`clas bench-data` command (cli.py, added by app.py) and the scripts `make bench` (run.py) and
`make load` (load.py) run. Tests use the dataset and the pages; the application never imports them."""
