"""Every URL of the portal, from the URL resolver, with sample arguments filled in.

A test that walks ``every_url()`` covers a page added tomorrow without being told about it:
``path()`` routes get their converters replaced (``<int:pk>`` by a sample number), regular
expressions (simple_history's ``^([^/]+)/history/([^/]+)/$``, the admin's app index and catch-all)
get a sample string for each group. Each URL is checked to resolve back to its own pattern.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

#: Every query parameter some view of the portal or the admin reads (``request.GET`` in the
#: apps, the admin's changelist, autocomplete and popups, the dashboards' filters).
QUERY_PARAMETERS = [
    "unit",
    "campaign",
    "period",
    "department",
    "on",
    "page",
    "a",
    "format",
    "status",
    "next",
    "q",
    "o",
    "p",
    "e",
    "all",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "campaign__id__exact",
    "x",
    "compare",
    "sort",
]


@dataclass(frozen=True)
class PortalUrl:
    """One sample URL: the pattern it stands for (``route``), its name, and the view's callback."""

    url: str
    route: str
    name: str | None
    callback: Callable


def _patterns(patterns, prefix: list, namespace: str | None) -> Iterator[tuple[list, URLPattern, str | None]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace if entry.namespace else None
            space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _patterns(entry.url_patterns, [*prefix, entry.pattern], space)
        else:
            yield [*prefix, entry.pattern], entry, namespace  # the route's parts, outermost first


_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>[^()]*)\)")


def _fill_route(route: str, sample: Callable[[str, str], str]) -> str:
    return _CONVERTER.sub(lambda m: sample(m["converter"] or "str", m["name"]), route)


def _fill_regex(regex: str, sample: Callable[[str, str], str]) -> str:
    unnamed = iter(range(1, 100))

    def group(match: re.Match) -> str:
        name, body = match["name"], match["body"]
        if name and "|" in body:  # the admin's app index: (?P<app_label>auth|axes|…)
            return body.split("|")[0]
        if body == ".*":  # the admin's catch-all
            return "no-such-page/"
        return sample("str", name or f"group{next(unnamed)}")

    return _GROUP.sub(group, regex).lstrip("^").rstrip("$")


def every_url(sample: Callable[[str, str], str]) -> Iterator[PortalUrl]:
    """One ``PortalUrl`` per URL pattern of the project, in the resolver's order.

    ``sample(converter, name)`` gives the text for one argument: ``converter`` is ``int``, ``str``,
    ``slug``, ``path`` … (``str`` for regular-expression groups), ``name`` the argument's name
    (``pk``, ``object_id``, ``action``; ``group1``, ``group2`` … for unnamed groups).
    Raises ``AssertionError`` when a filled-in URL resolves to another pattern than its own.
    """
    for route_parts, pattern, namespace in _patterns(get_resolver().url_patterns, [], None):
        parts = []
        for part in route_parts:
            if isinstance(part, RoutePattern):
                parts.append(_fill_route(str(part), sample))
            elif isinstance(part, RegexPattern):
                parts.append(_fill_regex(str(part), sample))
        url = "/" + "".join(parts)
        match = resolve(url.split("?")[0])
        route = "".join(str(part) for part in route_parts)
        assert match.func == pattern.callback or match.route == route, (url, route, match.route)
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
        yield PortalUrl(url=url, route=route, name=name, callback=pattern.callback)
