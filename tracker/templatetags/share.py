"""Share previews: the page's title and description, written once, reused in the meta tags."""

from django import template
from django.templatetags.static import static

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Set where base.html's <head> renders, so the tags after it read the value.
        context[self.name] = self.nodelist.render(context).strip()
        return ""


@register.tag
def capture(parser, token):
    """{% capture name %}...{% endcapture %}: renders its content into a variable instead of
    the page, so a {% block %} inside it (a page's title) can be written in several places."""
    try:
        _tag, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("Use {% capture name %}...{% endcapture %}.") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


@register.simple_tag(takes_context=True)
def absolute_static(context, path):
    """The full address of a static file, as share previews need it (a page rendered without
    a request, the server error page, gets the path)."""
    request = context.get("request")
    return request.build_absolute_uri(static(path)) if request else static(path)
