from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from tenants.migration_runner import providers_migrate
from tenants.migration_worker import SchemaOutcome


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the provider template and every provider schema in parallel. "
        "Providers already at the head are skipped; a provider whose migration fails is reported, "
        "marked and not served until a later run succeeds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=settings.MIGRATION_PROCESSES,
            help="worker processes for provider schemas (default: MIGRATION_PROCESSES)",
        )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]

        def report(outcome: SchemaOutcome) -> None:
            if outcome.error:
                self.stderr.write(f"FAILED {outcome.schema}: {outcome.error}")
            elif outcome.migrated and verbosity >= 1:
                self.stdout.write(f"migrated {outcome.schema} in {outcome.seconds:.2f}s")

        try:
            outcomes = providers_migrate(processes=options["processes"], report=report)
        except DatabaseError as error:
            # The public schema or the template failed: the migrations themselves are broken.
            raise CommandError(f"migrating the platform schemas failed: {error}") from error
        failed = [outcome for outcome in outcomes if outcome.error]
        migrated = sum(outcome.migrated for outcome in outcomes)
        current = len(outcomes) - migrated - len(failed)
        summary = (
            f"{len(outcomes)} providers: {current} already at the head, "
            f"{migrated} migrated, {len(failed)} failed"
        )
        if failed:
            raise CommandError(summary + "; failed providers are not served until fixed")
        if verbosity >= 1:
            self.stdout.write(summary)
