from django import forms


def add_service_error(all_forms, error):
    """Put a service's ValidationError next to its field, in the first of `forms` that has
    it, or on top of the first form."""
    first = all_forms[0]
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form = next((form for form in all_forms if name in form.fields), first)
            form.add_error(name if name in form.fields else None, errors)
    else:
        first.add_error(None, error)


def date_input():
    """The browser's date field, which reads and writes ISO dates whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChangesMixin:
    def changes(self):
        """The edited fields, as keyword arguments for a service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class RevisionFormMixin(forms.Form):
    """Carries the revision the person started from, so a concurrent save is detected."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, instance=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if instance is not None and instance.pk:
            initial.setdefault("revision", instance.revision)
        super().__init__(*args, instance=instance, **kwargs)

    def take_revision(self, current):
        """After a conflict: the next save knowingly starts from `current`."""
        data = self.data.copy()
        data[self.add_prefix("revision")] = current.revision
        self.data = data
