from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (.xlsx)"


class ImportJob(models.Model):
    """An uploaded inventory spreadsheet between upload, column mapping, preview and import.

    The file is read once, at upload: `content` holds its rows as text cells (JSON, with
    their row numbers), so the later steps do not read the file again. Short-lived on
    purpose: emptied once imported, and jobs older than a day are deleted when someone
    starts a new import.
    """

    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    content = models.BinaryField()
    # How the CSV was read ("utf-8", "utf-8-sig", "utf-16", "cp1252"; empty for XLSX).
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    headers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    # Field key (e.g. "naam") -> index of the file's column.
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inventory import")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_imported(self) -> bool:
        return self.imported_at is not None
