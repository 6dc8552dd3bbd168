"""`creval serve`: the case page, the classroom and the JSON API, on the CLI's own loader,
engine and reports (nothing is decided twice). `app.create_app` builds the ASGI app."""

__all__ = ["api", "apipage", "app", "casepage", "classroom", "common", "forms", "guard", "interview", "service", "store", "timeline"]
