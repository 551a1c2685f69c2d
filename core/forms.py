from django import forms


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
