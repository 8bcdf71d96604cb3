from django.conf import settings
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
