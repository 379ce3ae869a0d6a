from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from upsell.deals.models import ObjectionAnswer, ObjectionCategory, ObjectionOutcome
from upsell.deals.services.objections import WORDS_MAX


class ObjectionForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ObjectionCategory.choices)
    client_words = forms.CharField(
        label=_("The client's words"),
        max_length=WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answer = forms.ModelChoiceField(
        label=_("Answer from the library"),
        queryset=ObjectionAnswer.objects.filter(active=True),
        required=False,
        empty_label=_("My own words"),
    )
    answer_given = forms.CharField(
        label=_("Answer given"),
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty with an answer from the library: its words."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ObjectionOutcome.choices, initial=ObjectionOutcome.OPEN
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.label_from_instance = lambda answer: (  # type: ignore[attr-defined]
            f"{answer.get_category_display()}: {answer}"
        )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ObjectionOutcome.choices)


class AnswerForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ObjectionCategory.choices)
    text = forms.CharField(
        label=_("Answer"), max_length=WORDS_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerChangeForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"),
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    active = forms.NullBooleanField(required=False)
