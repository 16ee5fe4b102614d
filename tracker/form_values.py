"""What an admin form showed, what its editor changed, and what is stored now.

A versioned form for a stored record (tracker.admin.VersionedModelForm) carries beside each
field the value it showed (Django's `show_hidden_initial`). When a save is refused as stale
(tracker.services.check_current), the form compares the editor's entries with those values,
not with the record as it now is: so it can tell the fields the editor changed from those
someone else changed meanwhile, and show the stored values under the editor's own changes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext as _


def _normalised(value):
    """Browsers post line breaks as CRLF; a stored text may hold LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def posted_shown(form, bound_field):
    """The value `bound_field` showed, as its hidden copy was posted."""
    widget = bound_field.field.hidden_widget()
    return widget.value_from_datadict(form.data, form.files, bound_field.html_initial_name)


def shown_value(form, bound_field):
    """The value `bound_field` showed, to compare with the editor's entry: the field's Python
    value, or for a choice of records their primary keys as posted (reading the records would
    cost a query a field of every inline row). Raises ValidationError if it is damaged."""
    field, shown = bound_field.field, posted_shown(form, bound_field)
    if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
        return shown
    return field.to_python(_normalised(shown))


def differs(field, value, posted):
    """Whether `posted` (a field's value as a browser posts it) is another value than `value`
    (the field's initial or stored value)."""
    return field.has_changed(_normalised(value), _normalised(posted))


def as_posted(field, value):
    """`value` (a field's stored value) as a browser posts it: a list of strings."""
    prepared = field.prepare_value(value)
    if isinstance(prepared, (list, tuple)):
        return [str(item) for item in prepared]
    formatted = field.hidden_widget().format_value(prepared)
    return ["" if formatted is None else formatted]


def stored_text(record, name):
    """Field `name` of `record` as an editor reads it: labels, names of the records chosen.
    Plain text (a record's name is anything a case worker typed): escaped where shown."""
    model_field = record._meta.get_field(name)
    if model_field.many_to_many:
        text = ", ".join(str(item) for item in getattr(record, name).all())
    elif model_field.is_relation:
        related = getattr(record, name)
        text = "" if related is None else str(related)
    else:
        value = getattr(record, model_field.attname)
        if isinstance(value, bool):
            text = _("yes") if value else _("no")
        elif model_field.flatchoices:
            text = str(dict(model_field.flatchoices).get(value, value))
        else:
            text = "" if value is None else str(value)
    return text or _("(blank)")


def changed_by(changes, label):
    """Who saved field `label` in `changes` (tracker.services.changes_since), or, where the
    history does not say which fields an entry changed, everyone who saved."""
    named = [who for who, _when, fields in changes if label in fields]
    if not named:
        named = [who for who, _when, fields in changes if not fields]
    return ", ".join(dict.fromkeys(named)) or _("someone")


def editable_copy(data):
    """A QueryDict copy of a form's data, to change before the form is shown again."""
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key, value in data.items():
        copy.setlist(key, value if isinstance(value, (list, tuple)) else [value])
    return copy


def show_stored_under_entries(form, data, current, changes):
    """Fill `data` (of a versioned `form` refused as stale) with the stored values of `current`
    for the fields the editor left, keep their entries in the others, and mark those someone
    else changed too (`changes`: tracker.services.changes_since); the stored values become the
    ones shown. The visibility is reset_visibility()'s."""
    editor_changed = set(form.changed_data)
    names = [name for name in form.record_fields() if name != "visibility"]
    stored = model_to_dict(current, fields=names)
    for name in names:
        bound_field, value = form[name], stored.get(name)
        posted = as_posted(bound_field.field, value)
        if name not in editor_changed:
            data.setlist(bound_field.html_name, posted)
        elif also_changed(form, bound_field, value):
            label = str(current._meta.get_field(name).verbose_name)
            form.add_error(
                name,
                ValidationError(
                    _(
                        "%(who)s changed this field too after you opened the form: it is now "
                        "“%(stored)s”. Your entry is kept: save it to replace theirs, or put "
                        "theirs back."
                    ),
                    params={
                        "who": changed_by(changes, label),
                        "stored": stored_text(current, name),
                    },
                    code="changed_by_both",
                ),
            )
        data.setlist(bound_field.html_initial_name, posted)


def also_changed(form, bound_field, stored):
    """Whether the `stored` value differs both from what the page showed and from the editor's
    entry."""
    field = bound_field.field
    return differs(field, stored, posted_shown(form, bound_field)) and differs(
        field, stored, bound_field.data
    )


def reset_visibility(form, data, current):
    """The stored visibility in `data`, never the stale form's; an editor who chose another
    one is told so."""
    bound_field = form["visibility"]
    chosen = bound_field.data
    data[bound_field.html_name] = current.visibility
    if not form.carries_shown_values:
        return
    data[bound_field.html_initial_name] = current.visibility
    if "visibility" in form.changed_data and chosen != current.visibility:
        form.add_error(
            "visibility",
            ValidationError(
                _(
                    "Set back to the stored visibility, “%(stored)s”, because the record "
                    "changed since you chose another: choose again if you still want it."
                ),
                params={"stored": stored_text(current, "visibility")},
                code="visibility_reset",
            ),
        )
