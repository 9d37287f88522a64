"""CBS Kerncijfers wijken en buurten, as imported: one table per year, its measures (from
the table's DataProperties: key, title, unit) and a value per region (GM…, WK…, BU…).

Public statistics, no personal data. A measure is found by its name without the numeric
suffix CBS gives it per year (`AantalInwoners_5` → `AantalInwoners`), so the pages work
with any year's table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CbsTable(models.Model):
    table_id = models.CharField(_("CBS table"), max_length=20, unique=True)
    """"85984NED": Kerncijfers wijken en buurten 2024."""
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class CbsMeasure(models.Model):
    table = models.ForeignKey(CbsTable, on_delete=models.CASCADE, related_name="measures")
    key = models.CharField(max_length=100)
    """As CBS names the column this year: "AantalInwoners_5"."""
    base = models.CharField(max_length=100, db_index=True)
    """The key without its numeric suffix: "AantalInwoners", the same every year."""
    title = models.CharField(max_length=200)
    unit = models.CharField(max_length=100, blank=True)
    decimals = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "key"], name="cbs_measure_once"),
        ]

    def __str__(self) -> str:
        return self.key


class CbsFigure(models.Model):
    measure = models.ForeignKey(CbsMeasure, on_delete=models.CASCADE, related_name="figures")
    region = models.CharField(max_length=10, db_index=True)
    """"GM0392", "WK039207", "BU03920712"."""
    value = models.DecimalField(max_digits=14, decimal_places=3, null=True)
    """None: not available ("." or -99995 in the file) or kept secret by CBS."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "region"], name="cbs_figure_once"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.key} {self.region}"
