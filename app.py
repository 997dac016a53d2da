from clas_local import create_app

app = create_app()
