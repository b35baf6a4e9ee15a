from django.core.management.base import BaseCommand, CommandError, CommandParser

from connectors.billing.rest.conformance import run_conformance


class Command(BaseCommand):
    help = "Check a billing server against Kabinet's contract and say what it gets wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the server's base URL, without /v1")
        parser.add_argument("--token", required=True)
        parser.add_argument(
            "--write-account", default="", help="also check payments (posts 1.00 to this account)"
        )

    def handle(self, *args, **options) -> None:
        results = run_conformance(
            options["url"], options["token"], write_account=options["write_account"] or None
        )
        for result in results:
            mark = "PASS" if result.passed else "FAIL"
            self.stdout.write(f"{mark}  {result.name}: {result.detail}")
        failed = sum(not result.passed for result in results)
        if failed:
            raise CommandError(f"{failed} of {len(results)} checks failed")
        self.stdout.write(f"all {len(results)} checks passed")
