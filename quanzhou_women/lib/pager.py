"""Template tags of the shared pager (``templates/_pager.html``): ``{% load pager %}``."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int, param: str = "page") -> str:
    """The query string (``?…``) of the current request with ``param`` set to page ``number``.

    Every other parameter — filters, sorting, the page of another list — is kept, so that paging
    never loses the user's choices.
    """
    params = context["request"].GET.copy()
    params[param] = str(number)
    return "?" + params.urlencode()
