#!/usr/bin/env python3
"""Writes the beyond-tail fixture (docs/BEYOND-TAIL.md): captions and concept lists that hit
every rule of clip-beyond-tail's estimator.

Hand-written captions cover: code points that lower() turns into ASCII letters (U+212A KELVIN
SIGN -> k, U+0130 -> i + U+0307) and others that only look like letters (long s, ligatures,
fullwidth, accents, NFD, Greek, CJK, emoji); apostrophes, possessives and quotes; every
Treebank contraction that can still fire on letters and spaces (cannot, gimme, gonna, gotta,
lemme, wanna: alone, first, last, mid-sentence, glued to punctuation, as part of longer words)
and the ones that cannot ('tis, 'twas, d'ye, more'n); WordNet noun morphology (noun.exc
exceptions, a repeated key in noun.exc, each substitution rule, the repeated rule application,
length ties, forms WordNet does not know, exceptions that block the rules); the negative words of
the nine ImageNet rules (with and without their trigger); the Places365 and CUB rewrites;
" or " and " / " names; parentheses; digits and punctuation; captions with no token at all.
Then 250 seeded random captions over a vocabulary of those words and separators.

No caption holds a TAB, CR or LF, starts with '"', or is blank or all spaces, so that
captions.txt (one caption per line) and captions.tsv (FreqBench's cc3m TSV, caption<TAB>url)
hold the same captions in the same order.

Concept lists: concepts-imagenet.json (ImageNet class names, every class with a rule among
them) with synonyms.json (their WordNet-synset alternatives, in the same order, as
descriptors_imagenet_synset.json of clip-beyond-tail has them); concepts-places365.json and
concepts-cub.json (class names, with the rewritten ones); concepts-edge.json (made-up names for
the class-name rules: parentheses, separators, empty alternatives, rule triggers in " or " names,
the if/elif order of the ImageNet rules).

Run from the repository root: python3 Fixtures/beyond-tail/make_fixture.py
then Fixtures/beyond-tail/make_goldens.sh.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "peers", "clip-beyond-tail", "metadata",
                      "descriptors")

CAPTIONS = [
    # --- code points that lower() turns into ASCII letters -----------------------------------
    "\u212Aelvin scale on a thermometer",            # KELVIN SIGN -> k: "kelvin"
    "\u212A9 police dog",                            # "k" then a digit
    "\u0130stanbul skyline at night",                # U+0130 -> "i" + U+0307: "i stanbul"
    "D\u0130YARBAKIR \u0130 \u0130\u0130",            # "di yarbakir", lone "i"s
    "B\u0130RDS on a wire",                          # mid-word: "bi rds"
    "\u212A\u0130DS toys",                           # both: "ki ds"
    # --- code points that stay non-ASCII (become spaces) --------------------------------------
    "\u017Fhip in the harbour",                      # long s stays U+017F: " hip"
    "\uFB01sh and chips",                            # fi ligature: " sh"
    "\uFF24\uFF2F\uFF27 fullwidth dog",              # fullwidth DOG: nothing
    "stra\u00dfe caf\u00e9 na\u00efve r\u00e9sum\u00e9",
    "cafe\u0301 au lait",                            # NFD: "cafe" + space
    "\u00c9COLE \u00c0 PARIS",                       # "cole", "paris"
    "\u03a3\u03bf\u03c6\u03af\u03b1 greek letters",
    "\u72d7 dog in Chinese",
    "\U0001F415 a dog emoji",
    "dog\u00a0house with nbsp",
    "hot\u2028dog with a line separator",
    "dog\x0bcat\x0cbird",                            # VT, FF
    "\u01c5 titlecase digraph",
    # --- case ---------------------------------------------------------------------------------
    "DOGS AND CATS",
    "A Sorrel Horse In A Field",
    # --- apostrophes, possessives, quotes -----------------------------------------------------
    "the dog's bowl",
    "the children's toys",
    "the dogs' toys",
    "don't touch the mice",
    "i can't find my glasses",
    "it's a bus",
    "'tis the season for geese",
    "'twas the night before christmas",
    "d'ye see the ox",
    "more'n ten oxen",
    "rock 'n' roll",
    "five o'clock shadow",
    "dog\u2019s life with a curly apostrophe",
    "``quoted'' cat in backticks",
    "a \"hot dog\" stand",
    "she said \u201chello\u201d to \u2018the\u2019 goose",
    # --- Treebank contractions ----------------------------------------------------------------
    "i cannot believe it",
    "cannot",
    "cannot stop",
    "we simply cannot",
    "CANNOT WAIT",
    "you can not do that",
    "can-not",
    "cannots and cannoted",
    "gimme the ball",
    "gimme",
    "just gimme",
    "gimmes",
    "it is gonna rain",
    "gonna",
    "gonna be fine",
    "we're gonna",
    "gotta go",
    "gotta",
    "you've gotta",
    "gotta's",
    "lemme see the puppies",
    "lemme",
    "lemmes",
    "i wanna play",
    "wanna",
    "i wanna",
    "wanna-be star",
    "wannabe star",
    "wannas",
    "gimme!gonna?gotta.lemme,wanna",
    "cannot gimme gonna gotta lemme wanna cannot",
    "Gonna GOTTA Lemme WaNNa",
    # --- WordNet noun morphology --------------------------------------------------------------
    "children playing with mice",
    "geese and feet and teeth",
    "oxen in the men's field",
    "women and firemen and policemen",
    "it was a bus",
    "he has buses",
    "us and is",
    "glasses lenses and sunglasses",
    "wolves and leaves and knives",
    "aardwolves dwarves hooves scarves",
    "churches watches benches",
    "dishes wishes brushes",
    "boxes foxes taxes axes",
    "quizzes buzzes",
    "cities ladies puppies flies",
    "series species news means",
    "data criteria phenomena",
    "cacti fungi octopi octopuses alumni",
    "analyses theses crises bases",
    "dogss catss boxess dogsss",
    "diess footses horsess",
    "ies s men man",
    "pants scissors jeans trousers",
    "physics mathematics",
    "dies ties",
    "sheep fish fishes deer",
    "swiss texas paris",
    "grass dress dresses gas gases kisses",
    "tomatoes potatoes heroes echoes",
    "photos pianos zoos kangaroos",
    "abaci corpora indices matrices vertices appendices",
    "genera opera operas people persons",
    "xyzzies xyzzes hardrock zzxq",
    "anabases anus aurar",
    "less is more, they possess it",   # 3.8.1 only: "less" -> "le", "possess" -> "posse"
    "stanbul kelvin",
    # --- ImageNet rules: trigger words with and without negatives ----------------------------
    "a sorrel horse in a field",
    "sorrel plant leaves",
    "sorrel herb soup",
    "sorrel flower",
    "sorrel leaf",
    "common sorrel horse",
    "sorrel",
    "gymnast on the horizontal bar",
    "horizontal bar chart",
    "horizontal bars plot",
    "a graph with horizontal bar",
    "horizontal bar diagram",
    "high bar routine",
    "chevy impala",
    "impala antelope in the savanna",
    "impala car",
    "impala automobiles",
    "impala vehicle for sale",
    "impala",
    "bow and arrow",
    "bow tie",
    "bows and ties",
    "hunting bow",
    "bowtie",
    "hair bow",
    "ringlet butterfly",
    "ringlet hair",
    "ringlets of hair",
    "ringlet",
    "curly ringlets",
    "a ram in the field",
    "dodge ram truck",
    "ram memory chip",
    "ram computer",
    "random ram",
    "ram access",
    "ram logo",
    "ram review",
    "rams grazing",
    "ram car",
    "ram automobile vehicle",
    "construction crane at the site",
    "crane bird in the water",
    "cranes wings",
    "crane legs",
    "crane at the zoo",
    "crane fish",
    "a crane",
    "crane bird",
    "navy sub",
    "sub sandwich",
    "subs and bread",
    "italian sub",
    "meatball sub",
    "sub on the grill",
    "sub menu",
    "submarine sandwich",
    "yellow submarine",
    "u-boat",
    "pigboat",
    "a boat trip with us",         # "us" -> "u": the "u-boat" alternative of submarine
    "sidewinder missile",
    "sidewinder snake in the desert",
    "sidewinder army",
    "sidewinder military",
    "sidewinder resort and park",
    "sidewinder rattlesnake",
    "horned rattlesnake",
    "sidewinder",
    # --- Places365 and CUB rewrites ------------------------------------------------------------
    "arcade passageway",
    "arcade walkway in the old town",
    "arcade hallway",
    "shopping arcade corridor",
    "amusement arcade games",
    "arcade",
    "lock chamber on the canal",
    "lock chamber waterway",
    "lock chamber water",
    "lock_chamber",
    "lock chamber",
    "locker room",
    "apartment building outdoor",
    "apartment_building-outdoor",
    "northern cardinal",
    "red cardinal at the feeder",
    "cardinal bird",
    "the cardinal of the church",
    "cardinal",
    "black-footed albatross",
    "black footed albatross",
    "red-winged blackbird",
    "blue jay",
    # --- " or " and " / " names, parentheses -----------------------------------------------------
    "red wolf",
    "maned wolf",
    "gas mask",
    "respirator",
    "gasmask",
    "wind chime",
    "bell",
    "spiral coil",
    "traffic sign",
    "street sign",
    "vaulted ceiling",
    "arched ceiling",
    "cardboard box",
    "carton",
    "shoji screen",
    "room divider",
    "swim trunks",
    "swim shorts",
    "shorts",
    "bearskin hat",
    "shako",
    "military hat",
    "kite bird",
    "kite prey",
    "kite (bird of prey)",
    "mexican hairless",
    "xoloitzcuintli",
    "custard apple",
    "cherimoya (custard apple)",
    "great white shark",
    "man-eater",
    "man eating shark",
    "ram (adult male sheep)",
    "teddy bear",
    "teddy",
    "computer mouse",
    "hot dog",
    "hotdog",
    "hot-dog",
    "sweet potato",
    "ocarina",
    "daddy longlegs",
    "jeans",
    "blue jean",
    "denim",
    "sunglasses",
    "dark glasses",
    "shades",
    # --- digits and punctuation -----------------------------------------------------------------
    "2024",
    "!!!",
    "...",
    "12345 67890",
    "3 dogs",
    "dog2cat",
    "e-mail",
    "U.S.A.",
    "mr. smith went to washington.",
    "what?! no way!!",
    "dog;cat:bird,fish",
    "(dog) [cat] {bird} <fish>",
    "a--b",
    "#hashtag @user $100 50% a&b",
    "snake_case_words",
    "path/to/file.jpg",
    "x",
    "  leading and trailing spaces  ",
    "double  spaces  here",
]

# Random captions: words and separators.
WORDS = [
    "dog", "dogs", "cat", "cats", "children", "mice", "geese", "feet", "teeth", "oxen", "was",
    "has", "bus", "buses", "glasses", "leaves", "wolves", "churches", "dishes", "men", "women",
    "cities", "flies", "dogss", "sorrel", "horse", "plant", "herb", "flower", "leaf",
    "horizontal", "bar", "bars", "chart", "plot", "graph", "diagram", "impala", "car",
    "automobile", "vehicle", "chevy", "bow", "tie", "ties", "ringlet", "hair", "ram", "rams",
    "truck", "dodge", "logo", "computer", "memory", "random", "access", "chip", "review", "crane",
    "cranes", "bird", "birds", "fish", "water", "wing", "wings", "leg", "legs", "zoo", "sub",
    "sandwich", "bread", "italian", "meatball", "grill", "menu", "submarine", "sidewinder",
    "missile", "army", "military", "resort", "park", "arcade", "passageway", "walkway",
    "hallway", "corridor", "lock", "chamber", "canal", "waterway", "cardinal", "northern", "red",
    "cannot", "gimme", "gonna", "gotta", "lemme", "wanna", "hot", "teddy", "bear", "wolf",
    "maned", "gas", "mask", "respirator", "sign", "street", "traffic", "box", "cardboard",
    "carton", "man-eater", "white", "shark", "great", "jeans", "tank", "army", "sunglasses",
    "\u212Aelvin", "\u0130nk", "caf\u00e9", "don't", "it's", "dog's", "2024", "ring-let",
]
SEPARATORS = [" ", " ", " ", " ", "  ", ", ", ". ", "-", "'", "!", "/", " (", ") ", "\u00a0", "_"]


def random_captions(count, seed=20240615):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, 9)
        text = rng.choice(WORDS)
        for _ in range(n - 1):
            text += rng.choice(SEPARATORS) + rng.choice(WORDS)
        if rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.5 else text.capitalize()
        if rng.random() < 0.2:
            text += rng.choice([".", "!", "?", " :)", "..."])
        out.append(text.strip(" "))
    return out


# ImageNet: class names (descriptors_imagenet.json keys) and their synonym lists
# (descriptors_imagenet_synset.json values, keyed by WordNet id), both in ImageNet class order.
IMAGENET = [
    ("n01440764", "tench", ["tench", "tinca tinca"]),
    ("n01443537", "goldfish", ["goldfish", "carassius auratus"]),
    ("n01484850", "great white shark", ["great white shark", "white shark", "man-eater", "man-eating shark", "carcharodon carcharias"]),
    ("n01514668", "rooster", ["cock", "rooster"]),
    ("n01514859", "hen", ["hen"]),
    ("n01608432", "kite (bird of prey)", ["kite bird", "kite prey"]),
    ("n01756291", "sidewinder rattlesnake", ["sidewinder", "horned rattlesnake", "crotalus cerastes", "sidewinder rattlesnake"]),
    ("n01770081", "harvestman", ["harvestman", "daddy longlegs", "phalangium opilio"]),
    ("n01855672", "goose", ["goose"]),
    ("n02012849", "crane bird", ["crane bird"]),
    ("n02113978", "Mexican hairless dog (xoloitzcuintli)", ["mexican hairless", "xoloitzcuintli", "xolo dog", "xoloitzcuintle"]),
    ("n02114712", "red wolf or maned wolf", ["red wolf", "maned wolf", "canis rufus", "canis niger"]),
    ("n02123045", "tabby cat", ["tabby", "tabby cat"]),
    ("n02123159", "tiger cat", ["tiger cat"]),
    ("n02129604", "tiger", ["tiger", "panthera tigris"]),
    ("n02277742", "ringlet butterfly", ["ringlet", "ringlet butterfly"]),
    ("n02389026", "common sorrel horse", ["sorrel", "sorrel horse", "common sorrel horse"]),
    ("n02403003", "ox", ["ox"]),
    ("n02408429", "water buffalo", ["water buffalo", "water ox", "asiatic buffalo", "bubalus bubalis"]),
    ("n02412080", "ram (adult male sheep)", ["ram"]),
    ("n02415577", "bighorn sheep", ["bighorn sheep", "borrego cimarron", "rocky mountain bighorn", "rocky mountain sheep", "ovis canadensis"]),
    ("n02422699", "impala (antelope)", ["impala", "aepyceros melampus", "impala antelope"]),
    ("n02510455", "giant panda", ["giant panda", "panda", "coon bear", "ailuropoda melanoleuca"]),
    ("n02704792", "amphibious vehicle", ["amphibious vehicle", "amphibious car"]),
    ("n02788148", "baluster / handrail", ["bannister", "banister", "balustrade", "balusters", "handrail"]),
    ("n02817516", "military hat (bearskin or shako)", ["bearskin", "busby", "shako"]),
    ("n02879718", "hunting bow", ["bow", "hunting bow"]),
    ("n02883205", "bow tie", ["bow tie", "bow-tie", "bowtie"]),
    ("n02971356", "cardboard box / carton", ["carton", "cardboard box"]),
    ("n03017168", "bell or wind chime", ["chime", "bell", "wind chime"]),
    ("n03065424", "spiral or coil", ["coil", "spiral"]),
    ("n03124170", "cowboy hat", ["cowboy hat", "ten-gallon hat"]),
    ("n03126707", "construction crane", ["crane", "construction crane"]),
    ("n03216828", "dock", ["dock", "dockage", "docking facility"]),
    ("n03424325", "gas mask or respirator", ["gasmask", "respirator", "gas helmet", "gas mask", "respirator"]),
    ("n03492542", "hard disk drive", ["hard disc", "hard disk", "fixed disk", "hard disk drive"]),
    ("n03494278", "harmonica", ["harmonica", "mouth organ", "mouth harp"]),
    ("n03535780", "gymnastic horizontal bar", ["horizontal bar", "high bar", "gymnastic horizontal bar"]),
    ("n03594734", "jeans", ["jean", "blue jean", "denim", "jeans"]),
    ("n03642806", "laptop computer", ["laptop", "laptop computer"]),
    ("n03773504", "missile", ["missile"]),
    ("n03793489", "computer mouse", ["computer mouse"]),
    ("n03840681", "ocarina", ["ocarina", "sweet potato"]),
    ("n03871628", "product packet / packaging", ["packet", "product packet", "packaging"]),
    ("n03930630", "pickup truck", ["pickup truck"]),
    ("n04008634", "projectile", ["projectile", "missile"]),
    ("n04074963", "remote control", ["remote control", "remote"]),
    ("n04201297", "shoji screen / room divider", ["shoji", "shoji screen", "room divider"]),
    ("n04285008", "sports car", ["sports car", "sport car"]),
    ("n04347754", "submarine", ["submarine", "pigboat", "sub", "u-boat"]),
    ("n04356056", "sunglasses", ["sunglasses", "dark glasses", "shades"]),
    ("n04371430", "swim trunks / shorts", ["swimming trunks", "bathing trunks", "swim trunks", "swim shorts"]),
    ("n04389033", "tank", ["tank", "army tank", "armored combat vehicle", "armoured combat vehicle"]),
    ("n04399382", "teddy bear", ["teddy", "teddy bear"]),
    ("n04523525", "vaulted or arched ceiling", ["vaulted ceiling", "arched ceiling"]),
    ("n04584207", "hair wig", ["wig", "hair wig"]),
    ("n06794110", "traffic or street sign", ["street sign", "traffic sign"]),
    ("n07697537", "hot dog", ["hotdog", "hot dog"]),
    ("n07760859", "cherimoya (custard apple)", ["custard apple", "cherimoya"]),
    ("n07873807", "pizza", ["pizza", "pizza pie"]),
]

PLACES365 = [
    "amusement_arcade", "apartment_building-outdoor", "arcade (passageway)", "beach",
    "bedroom", "boathouse", "bus_station-indoor", "canal-natural", "canal-urban",
    "church-indoor", "corridor", "dam", "house", "lock_chamber (canal)", "locker_room", "park",
    "parking_lot", "street", "water_park",
    # not Places365 names: the rewrite triggers reached in other ways
    "Arcade", "lock_chamber", "arcade / lock_chamber", "lock chamber",
]

CUB = [
    "Black-footed Albatross", "Red-winged Blackbird", "Cardinal", "Blue Jay",
    "Northern Flicker", "American Crow", "Fish Crow", "House Sparrow", "Barn Swallow",
    "Brown Pelican", "Chuck-will Widow", "Whip-poor Will",
    # not CUB names
    "cardinal or cardinal bird", "Northern Cardinal",
]

EDGE = [
    "",                            # one empty alternative: every caption
    "(only parentheses)",          # likewise
    "dog or (cat)",                # alternatives "dog" and "": every caption
    "dog or  cat",                 # "dog", " cat" stripped to "cat"
    "dog / cat",
    "dog/cat",                     # no spaces: not split, "dog cat" needs both
    "or dog",                      # no leading space: not split
    "dog or",                      # no trailing space: not split ("dog or": both words)
    "sorrel or ram",               # sorrel comes first in the rule chain
    "ram or bow",                  # bow comes before ram in the chain
    "bow",
    "Crane (machine)",             # "crane " stripped: the crane rule
    "crane bird",
    "sub / hero",                  # "sub": the sub rule
    "submarine sandwich",
    "Random Access",
    "random access memory (RAM)",
    "RAM",                         # lowercased: "ram", the rule
    "ringlet (hair)",
    "sidewinder or missile",
    "impala or car",
    "horizontal bar (gymnastics)",
    "sorrel",
    "children",
    "child",
    "teeth",
    "tooth",
    "men",
    "man",
    "glasses",
    "glass",
    "was",
    "wa",
    "dogss",
    "anus",
    "anabases",
    "aurar",
    "eyrir",
    "cannot",
    "can not",
    "wanna",
    "gonna",
    "gotta",
    "gimme",
    "lemme",
    "\u212Aelvin",
    "\u0130stanbul",
    "i stanbul",
    "F/A-18",
    "3.14",
    "hot-dog",
    "dog's bowl",
    "(a (b) c)",                   # nested: "(a (b)" removed, " c)" left
    "a (b",                        # unclosed: "(" becomes a space
    "x or y or z",
    "x / y or z",
]


def main():
    captions = list(CAPTIONS) + random_captions(250)
    for caption in captions:
        bad = any(c in caption for c in "\t\r\n") or caption.startswith('"') or caption.strip(" ") == ""
        assert not bad, repr(caption)
    with open(os.path.join(HERE, "captions.txt"), "w", encoding="utf-8", newline="") as f:
        for caption in captions:
            f.write(caption + "\n")
    with open(os.path.join(HERE, "captions.tsv"), "w", encoding="utf-8", newline="") as f:
        for number, caption in enumerate(captions):
            f.write(f"{caption}\thttp://images.invalid/{number:04d}.jpg\n")

    # Check the ImageNet subset against clip-beyond-tail's files when they are there.
    names_path = os.path.join(SHARED, "descriptors_imagenet.json")
    synsets_path = os.path.join(SHARED, "descriptors_imagenet_synset.json")
    if os.path.exists(names_path) and os.path.exists(synsets_path):
        with open(names_path, encoding="utf-8") as f:
            names = list(json.load(f))
        with open(synsets_path, encoding="utf-8") as f:
            synsets = json.load(f)
        order = list(synsets)
        for wnid, name, synonyms in IMAGENET:
            index = order.index(wnid)
            assert names[index] == name and synsets[wnid] == synonyms, (wnid, name)
        indices = [order.index(wnid) for wnid, _, _ in IMAGENET]
        assert indices == sorted(indices)

    def write_json(name, value):
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            json.dump(value, f, indent=1, ensure_ascii=True)
            f.write("\n")

    write_json("concepts-imagenet.json", [name for _, name, _ in IMAGENET])
    write_json("synonyms.json", {wnid: synonyms for wnid, _, synonyms in IMAGENET})
    write_json("concepts-places365.json", PLACES365)
    write_json("concepts-cub.json", CUB)
    write_json("concepts-edge.json", EDGE)
    print(f"{len(captions)} captions, {len(IMAGENET)} ImageNet classes, {len(PLACES365)} Places365, "
          f"{len(CUB)} CUB, {len(EDGE)} edge concepts")


if __name__ == "__main__":
    main()
