"""Issue 17, point 9: demo firms a Prato user would trust. A firm's name says its trade
(a "Tintoria" dyes, a "Conceria" tans), and the textile district has a centre."""

from collections import Counter

from distretto.seed.firms import SUPPLIERS

# The trade word a name starts with → the phases such a firm may do (one is required).
TRADES: dict[str, set[str]] = {
    "Lanificio": {"wool_regeneration", "carding", "spinning", "weaving"},
    "Cenciaioli": {"wool_regeneration"},
    "Carbonizzo": {"wool_regeneration"},
    "Filatura": {"spinning"},
    "Ritorcitura": {"twisting"},
    "Orditura": {"warping"},
    "Tessitura": {"weaving"},
    "Tintoria": {"dyeing"},
    "Rifinizione": {"finishing"},
    "Finissaggio": {"finishing", "shoe_finishing"},
    "Stamperia": {"printing"},
    "Maglificio": {"knitting"},
    "Maglieria": {"knitting"},
    "Confezioni": {"stitching"},
    "Confecții": {"stitching"},
    "Sartoria": {"stitching"},
    "Stireria": {"ironing"},
    "Lavanderia": {"garment_washing"},
    "Taglio": {"cutting"},
    "Ricamificio": {"embroidery"},
    "Pelletteria": {"leather_goods"},
    "Conceria": {"tanning"},
    "Tomaificio": {"upper_cutting", "upper_stitching"},
    "Tomaia": {"upper_stitching"},
    "Orlatura": {"upper_stitching"},
    "Suolificio": {"sole_making"},
    "Montaggio": {"lasting"},
    "Controllo": {"quality_control"},
    "Logistica": {"logistics"},
    "Fason": {"stitching", "upper_stitching"},
}
TEXTILE = {
    "wool_regeneration",
    "carding",
    "spinning",
    "twisting",
    "warping",
    "weaving",
    "dyeing",
    "finishing",
    "printing",
    "knitting",
}


def test_every_supplier_name_says_what_it_does() -> None:
    wrong = []
    for name, _province, _region, _town, phases, *_ in SUPPLIERS:
        trade = name.split()[0]
        if trade not in TRADES or not TRADES[trade] & set(phases):
            wrong.append(f"{name}: {phases}")
    assert wrong == []


def test_tanning_and_shoe_phases_stay_with_firms_named_for_them() -> None:
    # Issue 17 found a tannery weaving and dyers stitching: no such mix of trades.
    for name, _province, _region, _town, phases, *_ in SUPPLIERS:
        trade = name.split()[0]
        if "tanning" in phases:
            assert trade == "Conceria", name
        if trade in {"Tintoria", "Conceria"}:
            assert "stitching" not in phases and "weaving" not in phases, name


def test_the_textile_district_has_a_centre_around_prato() -> None:
    provinces = Counter(p for _n, p, _r, _t, phases, *_ in SUPPLIERS if TEXTILE & set(phases))
    around_prato = provinces["PO"] + provinces["FI"] + provinces["PT"]
    assert around_prato / sum(provinces.values()) >= 0.9
    assert provinces.most_common(1)[0][0] == "PO"
