"""``manage.py check_summaries``: compare every summary row with the live records it counts."""

from django.core.management.base import BaseCommand, CommandError

from reports import summaries


class Command(BaseCommand):
    help = "Compare the reports' summary tables with the live records; exits 1 when any row differs."

    def add_arguments(self, parser):
        parser.add_argument("--show", type=int, default=20, help="how many differing rows to describe")

    def handle(self, *args, **options):
        count, described = summaries.differences(limit=options["show"])
        for line in described:
            self.stdout.write(line)
        if count:
            raise CommandError(
                f"汇总表与实时记录有 {count} 处不一致（可运行 manage.py rebuild_summaries 重建）。"
            )
        self.stdout.write(self.style.SUCCESS("汇总表与实时记录一致：0 处不一致。"))
