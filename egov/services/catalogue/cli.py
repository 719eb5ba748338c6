"""`egov services import-catalogue FILE` and `egov services export-catalogue --format json|csv [FILE]`.

`add_parser(subparsers)` registers the `services` command on the `egov` command's subparsers; `main(argv)`
runs it on its own (`python -m egov.services.catalogue.cli import-catalogue procedures.json`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    import django

    django.setup()


def cmd_import_catalogue(args) -> int:
    _setup()
    from egov.accounts.actor import Actor
    from egov.services.catalogue.errors import CatalogueFileError
    from egov.services.catalogue.io import parse
    from egov.services.catalogue.services import procedure_import

    path = Path(args.file)
    try:
        records = parse(path.read_bytes(), (args.format and f".{args.format}") or path.name)
    except OSError as exc:
        print(f"egov services import-catalogue: {exc.strerror}: {args.file}", file=sys.stderr)
        return 2
    except CatalogueFileError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    report = procedure_import(
        actor=Actor.system("egov services import-catalogue"), records=records, dry_run=args.dry_run
    )
    for error in report.errors:
        print(str(error), file=sys.stderr)
    if not report.ok:
        print("Nothing was imported.", file=sys.stderr)
        return 1
    verb = "would be" if args.dry_run else "were"
    print(
        f"{report.records} records: {report.versions_created} versions created, {report.versions_updated} updated, "
        f"{report.versions_unchanged} unchanged; {report.procedures_created} procedures and "
        f"{report.fields_created} fields created ({verb} saved)."
    )
    return 0


def cmd_export_catalogue(args) -> int:
    _setup()
    from egov.services.catalogue.io import export_csv, export_json
    from egov.services.catalogue.selectors import versions_for_export

    versions = versions_for_export(codes=args.code or None)
    data = export_csv(versions) if args.format == "csv" else export_json(versions)
    if args.file in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(args.file).write_bytes(data)
    return 0


def add_parser(subparsers) -> None:
    """Register `services` and its subcommands on the `egov` command's subparsers."""
    parser = subparsers.add_parser("services", help="online public services: the procedure catalogue")
    sub = parser.add_subparsers(dest="services_command", required=True)

    p = sub.add_parser("import-catalogue", help="import procedure versions from a .json or .csv file (all or nothing)")
    p.add_argument("file")
    p.add_argument("--format", choices=("json", "csv"), help="the file's format (default: from its extension)")
    p.add_argument("--dry-run", action="store_true", help="check everything, save nothing")
    p.set_defaults(func=cmd_import_catalogue)

    p = sub.add_parser("export-catalogue", help="export every procedure version as JSON or CSV")
    p.add_argument("file", nargs="?", help="output file (default: standard output)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--code", action="append", help="only this procedure (repeatable)")
    p.set_defaults(func=cmd_export_catalogue)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="egov")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["services", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
