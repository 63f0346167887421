"""Build the local classifier's model file from the shipped examples, once (make install, the Docker build, CI):
processes only load it. Does nothing when the file is there and was built from the same examples."""

import time

from django.core.management.base import BaseCommand

from tickets.classifier import local


class Command(BaseCommand):
    help = "Train the local classifier from the shipped examples into CLASSIFIER_BASE_MODEL_PATH (if needed)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild even if an up-to-date file is there")

    def handle(self, *args, force=False, **options):
        from django.conf import settings

        started = time.monotonic()
        model, built = local.build_base_model(force=force)
        path = settings.CLASSIFIER_BASE_MODEL_PATH
        if built:
            self.stdout.write(f"Built {model.version} into {path} in {time.monotonic() - started:.1f} s.")
        else:
            self.stdout.write(f"{path} is up to date ({model.version}).")
