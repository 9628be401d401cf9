"""Default phase taxonomy of a textile / fashion district (Prato, Marche, Riviera del Brenta).

Loaded by migration 0001; a district with other trades edits ``phases`` rows.
Each entry: code, English name, Italian name, parent code.
"""

DEFAULT_PHASES: tuple[tuple[str, str, str, str | None], ...] = (
    ("textile", "Textile", "Tessile", None),
    ("spinning", "Spinning", "Filatura", "textile"),
    ("carding", "Carding", "Cardatura", "textile"),
    ("wool_regeneration", "Wool regeneration", "Rigenerazione lana", "textile"),
    ("twisting", "Twisting", "Ritorcitura", "textile"),
    ("warping", "Warping", "Orditura", "textile"),
    ("weaving", "Weaving", "Tessitura", "textile"),
    ("knitting", "Knitting", "Maglieria", "textile"),
    ("dyeing", "Dyeing", "Tintoria", "textile"),
    ("printing", "Textile printing", "Stampa tessile", "textile"),
    ("finishing", "Fabric finishing", "Rifinizione tessuti", "textile"),
    ("apparel", "Apparel", "Abbigliamento", None),
    ("pattern_making", "Pattern making", "Modelleria", "apparel"),
    ("cutting", "Cutting", "Taglio", "apparel"),
    ("stitching", "Stitching", "Cucitura", "apparel"),
    ("embroidery", "Embroidery", "Ricamo", "apparel"),
    ("garment_washing", "Garment washing", "Lavaggio capi", "apparel"),
    ("ironing", "Ironing and pressing", "Stiro", "apparel"),
    ("footwear", "Footwear", "Calzatura", None),
    ("upper_cutting", "Upper cutting", "Taglio tomaie", "footwear"),
    ("upper_stitching", "Upper stitching", "Orlatura", "footwear"),
    ("sole_making", "Sole making", "Suolificio", "footwear"),
    ("lasting", "Lasting and assembly", "Montaggio", "footwear"),
    ("shoe_finishing", "Shoe finishing", "Finissaggio calzature", "footwear"),
    ("leather", "Leather", "Pelle", None),
    ("tanning", "Tanning", "Concia", "leather"),
    ("leather_goods", "Leather goods", "Pelletteria", "leather"),
    ("services", "Services", "Servizi", None),
    ("quality_control", "Quality control", "Controllo qualità", "services"),
    ("packaging", "Packaging", "Confezionamento e imballo", "services"),
    ("logistics", "Logistics", "Logistica", "services"),
)
