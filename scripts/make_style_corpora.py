#!/usr/bin/env python3
"""Builds caption-like text of styles other than CC3M for the builtin annotator's fast tagger.

Writes one text per line into OUT/{train,heldout}/<style>.txt (split by the SHA-1 of the
text: even first byte -> train, odd -> heldout), from what this machine has:

- debian:  short and first-sentence long package descriptions (`apt-cache dumpavail`)
- pydoc:   first lines of docstrings of the Python standard library (/usr/lib/python3*)
- product: synthetic web alt-text / product titles (brands, sizes, HTML remnants, punctuation),
           generated with a fixed seed
- capital: CC3M-style captions from the debian/pydoc sentences are not captions, so this style
           rewrites caption templates as capitalised descriptive sentences (fixed seed)

Usage: python3 scripts/make_style_corpora.py OUT [--per-style N]
Inputs vary with the machine's package lists, so the committed fast-tagger weights record
the counts and the SHA-256 of the files they were trained on (see scripts/train_fast_tagger.py).
"""
import ast, glob, hashlib, os, random, re, subprocess, sys


def debian():
    out = []
    text = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True).stdout
    for block in text.split("\n\n"):
        m = re.search(r"^Description(?:-en)?: (.*)\n((?: .*\n?)*)", block, re.M)
        if not m:
            continue
        out.append(m.group(1).strip())
        long = " ".join(l.strip() for l in m.group(2).splitlines() if l.strip() and l.strip() != ".")
        first = re.split(r"(?<=[.!?])\s", long, maxsplit=1)[0]
        if 3 <= len(first.split()) <= 40:
            out.append(first)
    return out


def pydoc():
    out = []
    for path in sorted(glob.glob("/usr/lib/python3*/**/*.py", recursive=True)):
        if "/test" in path or "site-packages" in path or "dist-packages" in path:
            continue
        try:
            tree = ast.parse(open(path, encoding="utf8").read())
        except Exception:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    line = doc.strip().splitlines()[0].strip()
                    if 3 <= len(line.split()) <= 40:
                        out.append(line)
    return out


BRANDS = ["Nike", "Adidas", "Samsung", "Apple", "Sony", "LG", "Dell", "HP", "Lenovo", "Canon", "Nikon",
          "Bosch", "Philips", "Levi's", "Ray-Ban", "IKEA", "KitchenAid", "Dyson", "Logitech", "Anker",
          "Under Armour", "The North Face", "Columbia", "Le Creuset", "Lodge", "Hamilton Beach", "Crocs",
          "Converse", "Vans", "Puma", "Reebok", "New Balance", "Asics", "Fossil", "Casio", "Seiko",
          "Tommy Hilfiger", "Calvin Klein", "Ralph Lauren", "H&M", "Zara", "Uniqlo", "Gap", "Coach",
          "Michael Kors", "Kate Spade", "Pandora", "Swarovski", "Lego", "Mattel", "Hasbro", "Funko"]
ADJ = ["Vintage", "Classic", "Modern", "Rustic", "Handmade", "Organic", "Wireless", "Portable", "Waterproof",
       "Stainless Steel", "Leather", "Cotton", "Wooden", "Ceramic", "Glass", "Luxury", "Mini", "Large",
       "Heavy Duty", "Lightweight", "Adjustable", "Foldable", "Rechargeable", "Non-Stick", "Slim Fit",
       "Floral", "Striped", "Knitted", "Embroidered", "Personalized", "Custom", "Retro", "Boho"]
NOUNS = ["Dress", "Shirt", "T-Shirt", "Jeans", "Sneakers", "Running Shoes", "Boots", "Backpack", "Handbag",
         "Watch", "Sunglasses", "Headphones", "Earbuds", "Speaker", "Laptop", "Tablet", "Phone Case",
         "Charger", "Cable", "Mouse", "Keyboard", "Monitor", "Camera", "Lens", "Tripod", "Blender", "Toaster",
         "Coffee Maker", "Frying Pan", "Dutch Oven", "Knife Set", "Cutting Board", "Mug", "Water Bottle",
         "Lamp", "Rug", "Pillow", "Blanket", "Curtains", "Sofa", "Chair", "Desk", "Bookshelf", "Mirror",
         "Vase", "Candle", "Wall Art", "Poster", "Necklace", "Earrings", "Ring", "Bracelet", "Wallet",
         "Belt", "Hat", "Scarf", "Gloves", "Socks", "Jacket", "Hoodie", "Sweater", "Coat", "Toy", "Puzzle",
         "Board Game", "Action Figure", "Doll", "Plush", "Tent", "Sleeping Bag", "Yoga Mat", "Dumbbells"]
WHO = ["Men's", "Women's", "Kids'", "Girls'", "Boys'", "Unisex", "Baby", "Toddler"]
COLORS = ["Black", "White", "Navy Blue", "Red", "Grey", "Pink", "Olive Green", "Beige", "Rose Gold", "Silver"]
SIZES = ["Size 10", "Size M", "XL", "12 oz", "500ml", "1.5L", "15.6 inch", "32GB", "4-Pack", "Set of 6",
         "10 x 12 in", "2 Pack", "3/4\"", "60\" x 80\"", "US 8.5", "Queen", "King Size", "100% Cotton"]
TAILS = ["Free Shipping", "Best Seller", "New Arrival", "Gift for Him", "Gift for Her", "Sale", "50% Off",
         "Limited Edition", "2019 Model", "Ships Today", "Great for Travel", "Christmas Gift"]
HTML = ["&amp;", "&quot;", "<br>", "<b>", "</b>", "&nbsp;", "&#39;", "<p>", "&gt;", "| eBay", "- Etsy",
        "| Amazon.com", "...", "!!", "(New)", "[HOT]", "*", "~"]
SCENES = ["woman", "man", "girl", "boy", "dog", "cat", "couple", "family", "tourist", "chef", "horse",
          "bird", "car", "train", "boat", "house", "bridge", "city", "mountain", "beach", "forest", "river",
          "garden", "street", "kitchen", "stadium", "market", "church", "castle", "field"]
VERBS = ["walking along", "standing near", "sitting on", "looking at", "running through", "playing in",
         "waiting at", "crossing", "flying over", "parked next to", "reflected in", "covered with"]
PLACES = ["the old town", "a busy street", "the lake", "a sandy beach", "the snowy mountains", "a green field",
          "the harbour", "an abandoned factory", "the city centre", "a wooden bridge", "the night market"]
NAMES = ["London", "Paris", "New York", "Tokyo", "Lake Como", "Central Park", "Yosemite", "Venice", "Berlin",
         "Sydney", "Times Square", "the Golden Gate Bridge", "Barcelona", "Rome", "Iceland"]


def product(rng, n):
    out = []
    for _ in range(n):
        parts = []
        if rng.random() < .8: parts.append(rng.choice(BRANDS))
        if rng.random() < .5: parts.append(rng.choice(WHO))
        if rng.random() < .7: parts.append(rng.choice(ADJ))
        if rng.random() < .3: parts.append(rng.choice(ADJ))
        parts.append(rng.choice(NOUNS))
        title = " ".join(parts)
        extra = []
        if rng.random() < .6: extra.append(rng.choice(COLORS))
        if rng.random() < .6: extra.append(rng.choice(SIZES))
        if rng.random() < .3: extra.append(rng.choice(TAILS))
        sep = rng.choice([", ", " - ", " | ", " / ", " – ", " "])
        text = sep.join([title] + extra)
        if rng.random() < .35:
            h = rng.choice(HTML)
            text = (h + " " + text) if rng.random() < .3 else (text + " " + h)
        if rng.random() < .1: text = text.upper()
        if rng.random() < .15: text = text.lower()
        out.append(text)
    return out


def capital(rng, n):
    out = []
    for _ in range(n):
        a = rng.choice(SCENES); b = rng.choice(SCENES)
        form = rng.random()
        if form < .3:
            text = f"A {a} {rng.choice(VERBS)} {rng.choice(PLACES)}."
        elif form < .5:
            text = f"Two {a}s {rng.choice(VERBS)} a {b} in {rng.choice(NAMES)}."
        elif form < .7:
            text = f"View of {rng.choice(PLACES)} in {rng.choice(NAMES)} at sunset"
        elif form < .85:
            text = f"The {a} and the {b} {rng.choice(VERBS)} {rng.choice(PLACES)} during the {rng.choice(['festival', 'winter', 'storm', 'wedding', 'parade'])}."
        else:
            text = f"{rng.choice(NAMES)}: {a}s {rng.choice(VERBS)} {rng.choice(PLACES)}, {rng.randint(1950, 2020)}"
        out.append(text)
    return out


def main():
    out = sys.argv[1]
    per = int(sys.argv[sys.argv.index("--per-style") + 1]) if "--per-style" in sys.argv else 40000
    rng = random.Random(20241123)
    styles = {"debian": debian(), "pydoc": pydoc(), "product": product(rng, per), "capital": capital(rng, per)}
    for style, texts in styles.items():
        texts = sorted(set(t.replace("\t", " ") for t in texts if t.strip()))
        random.Random(7).shuffle(texts)
        texts = texts[:per]
        for split in ("train", "heldout"):
            os.makedirs(os.path.join(out, split), exist_ok=True)
            keep = [t for t in texts if (hashlib.sha1(t.encode()).digest()[0] % 2 == 0) == (split == "train")]
            with open(os.path.join(out, split, style + ".txt"), "w", encoding="utf8") as f:
                f.write("\n".join(keep) + "\n")
            print(style, split, len(keep))


if __name__ == "__main__":
    main()
