"""What a browser would submit from an admin page: the values of its form's fields as rendered.

Tests of concurrent editing open a page, let someone else save, then submit what the page
showed, as a person with a stale tab would.
"""

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.values = []  # [(name, value)], as a browser sends them
        self.select = self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "on" if checkable else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def submitted_values(response, form_id):
    """{name: value or [values]} of the form `form_id` on the page, as a browser would post it."""
    parser = _FormValues(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def changelist_action(client, url, action, records):
    """What a browser posts from the change list at `url` when the user ticks `records` and
    chooses `action`: its form as rendered (with the version of each row it shows), those rows
    ticked."""
    data = submitted_values(client.get(url), "changelist-form")
    data.update(action=action, _selected_action=[str(record.pk) for record in records])
    return data
