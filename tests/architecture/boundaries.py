"""An import-linter contract type: features meet only at each other's public modules.

``lint-imports`` (configured in pyproject.toml) loads it from here. A *feature* is a direct
subpackage of ``distretto`` that is neither foundation nor an entry point; another
feature may import only its public modules (``service``, ``schemas``, ``events`` and any
module listed in ``also_public``), never its repositories, policies, routers or helpers.
"""

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


class FeatureApiContract(Contract):
    type_name = "feature_api"

    root = fields.StringField()
    not_features = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.StringField())
    also_public = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        excluded = {str(name) for name in self.not_features}
        public = {str(name) for name in self.public_modules}
        also_public = {str(name) for name in (self.also_public or [])}
        features = {
            child.split(".")[1]
            for child in graph.find_children(root)
            if child.split(".")[1] not in excluded
        }
        broken: list[dict[str, Any]] = []
        for importer in sorted(graph.modules):
            parts = importer.split(".")
            if parts[0] != root or len(parts) < 2 or parts[1] not in features:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = imported.split(".")
                if target[0] != root or len(target) < 2 or target[1] not in features:
                    continue
                if target[1] == parts[1] or imported in also_public:
                    continue
                if len(target) == 3 and target[2] in public:
                    continue
                if len(target) == 2:  # the package itself (its __init__)
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                broken.append(
                    {
                        "importer": importer,
                        "imported": imported,
                        "line": details[0]["line_number"] if details else 0,
                    }
                )
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            output.print_error(
                f"{item['importer']} -> {item['imported']} (l. {item['line']}): "
                "import the feature's service or schemas instead",
                bold=False,
            )
            output.new_line()
