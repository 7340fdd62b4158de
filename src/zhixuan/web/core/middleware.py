"""Chinese first: the interface is Chinese unless the user picks English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a county
laptop with an English browser would show English. Dropping the header before it runs leaves
only the language cookie (set by the switch) and LANGUAGE_CODE (zh-hans).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
