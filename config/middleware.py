from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.utils import translation


class CookieLanguageMiddleware:
    """Chinese unless the user chose English with the language switcher (a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: offices share machines
    whose browsers are set to anything, and the product's language is Chinese by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, except that a view may leave the session as it is: ``request.session_left_as_is = True``.

    A background job's progress page asks for its progress every second. Saving the session on each of those
    requests (SESSION_SAVE_EVERY_REQUEST) would be a database write every second, and on SQLite it would wait
    for the import's transaction, which holds the database's write lock until it ends: the bar would stand
    still. Those requests change nothing in the session but the idle clock.
    """

    def process_response(self, request, response):
        if getattr(request, "session_left_as_is", False):
            return response
        return super().process_response(request, response)
