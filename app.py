from bench.cli import register as register_bench_commands
from clas_local import create_app

app = create_app()
register_bench_commands(app)  # `flask --app app clas bench-data`; clas_local/ never imports bench/
