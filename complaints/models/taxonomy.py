"""Admin-managed vocabularies: categories, products, channels, severities, emotions."""

from django.db import models


class NamedOption(models.Model):
    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(NamedOption):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta(NamedOption.Meta):
        verbose_name_plural = "categories"


class Product(NamedOption):
    name = models.CharField(max_length=200, unique=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )


class Channel(NamedOption):
    """How a complaint reached us (phone, email, web, chat, letter, in person, social)."""

    code = models.SlugField(max_length=40, unique=True)


class Severity(NamedOption):
    code = models.SlugField(max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(help_text="Higher is more severe.")

    class Meta(NamedOption.Meta):
        ordering = ["-rank"]
        verbose_name_plural = "severities"


class Emotion(NamedOption):
    pass
