"""`buurtkracht network-analyse EDGES.csv [--json] [--top N] [--format F]`.

Analyses any edge list with the same code the app uses (`network.analysis.analyse`), for a
community worker or researcher without the web app. A file with problems is not analysed:
up to 20 problems are printed with their line numbers and the command exits with code 1,
so half-right input never gives a confident-looking answer.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from buurtkracht.network.analysis import analyse
from buurtkracht.network.edgelist import FORMATS, read_edges

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Analyse an edge list: connectors, isolated and peripheral people, groups."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV (source,target[,weight]), Kumu JSON or XLSX")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--top", type=int, default=10, help="connectors to show")
        parser.add_argument("--format", choices=FORMATS, default=None, dest="fmt")
        parser.add_argument("--seed", type=int, default=0, help="seed for groups and sampling")

    def handle(self, *args, **options):
        try:
            edges = read_edges(options["path"], fmt=options["fmt"])
        except OSError as error:
            raise CommandError(f"cannot read {options['path']}: {error.strerror}") from error
        if edges.problems:
            for problem in edges.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(problem.message)
            more = len(edges.problems) - SHOWN_PROBLEMS
            if more > 0:
                self.stderr.write(f"... and {more} more")
            raise CommandError(
                f"{len(edges.problems)} problem(s) in {options['path']}; nothing analysed",
                returncode=1,
            )
        result = analyse(edges.nodes, edges.triples(), top=options["top"], seed=options["seed"])
        if options["json"]:
            data = result.as_dict()
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self.text(result))

    def text(self, result) -> str:
        how = (
            "exact"
            if result.exact
            else f"estimated from {result.sample_size} sampled starting points"
        )
        lines = [
            f"{result.node_count} people, {result.tie_count} ties, {len(result.groups)} groups "
            f"(modularity {result.modularity:.3f})",
            "",
            f"Connectors (betweenness, {how}):",
        ]
        width = max((len(str(node)) for node, _ in result.connectors), default=0)
        lines += [
            f"  {rank:>3}. {str(node):<{width}}  {score:.4f}"
            for rank, (node, score) in enumerate(result.connectors, start=1)
        ] or ["  (none: nobody sits on a path between others)"]
        lines += ["", f"Isolated ({len(result.isolated)}, no tie):"]
        lines += [f"  {node}" for node in result.isolated] or ["  (none)"]
        lines += ["", f"Peripheral ({len(result.peripheral)}, one tie or only weak ties):"]
        lines += [f"  {node}" for node in result.peripheral] or ["  (none)"]
        lines += ["", "Groups:"]
        for number, group in enumerate(result.groups, start=1):
            lines.append(f"  {number}. {len(group)} people: {', '.join(map(str, group))}")
        if not result.groups:
            lines.append("  (none)")
        if result.bridges:
            lines += ["", "Bridges between groups (total tie weight):"]
            lines += [f"  {a + 1} - {b + 1}: {weight:g}" for a, b, weight in result.bridges]
        return "\n".join(lines)
