"""lm_features: language-model word features of a shipped dataset as a Bazel tree artifact.

The artifact is the output directory of `neuroscore extract` (manifest.json + one NPY per array),
built by //reproductions/features:extract_features as a build action. The action reads the data
from `--define=neuroscore_data=DIR` when given (tools/env.sh passes it when $NEUROSCORE_DATA is not
the default ../shared/data), else from ../shared/data next to the workspace (found through the
realpath of `data_hint`, a workspace source file). The data path is deliberately not in any other
action's key, so clones at different paths share the disk cache. //third_party/data:manifest.tsv is an input, so a change of the data manifest rebuilds.
"""

def _lm_features_impl(ctx):
    out = ctx.actions.declare_directory(ctx.attr.name)
    args = ctx.actions.args()
    args.add("--dataset", ctx.attr.dataset)
    args.add("--data-hint", ctx.file.data_hint)
    args.add("--model-name", ctx.attr.model)
    args.add("--out", out.path)
    args.add("--model-variant", ctx.attr.variant)
    args.add("--features", ",".join(ctx.attr.feature_set))
    args.add("--context", str(ctx.attr.context_words))
    args.add("--lags", str(ctx.attr.lags))
    args.add("--threads", "1")
    if ctx.attr.segment_pool != "none":
        args.add("--segment-pool", ctx.attr.segment_pool)
    args.add_all(ctx.attr.extract_args)
    ctx.actions.run(
        executable = ctx.executable._tool,
        arguments = [args],
        inputs = [ctx.file.data_hint, ctx.file.data_manifest],
        outputs = [out],
        # Only this action sees the data root, and only when it is overridden: an --action_env would
        # enter every compile action's cache key, so a clone at another path would rebuild all.
        env = {"NEUROSCORE_DATA": ctx.var["neuroscore_data"]} if ctx.var.get("neuroscore_data") else {},
        mnemonic = "LmFeatures",
        progress_message = "Extracting %s features of %s (%s, %s)" % (
            ",".join(ctx.attr.feature_set),
            ctx.attr.dataset,
            ctx.attr.variant,
            ctx.label.name,
        ),
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

_lm_features = rule(
    implementation = _lm_features_impl,
    doc = "Word features of `dataset` from `model` (variant) as a directory: manifest.json + NPY arrays.",
    attrs = {
        "dataset": attr.string(mandatory = True, values = ["alice", "pereira", "naturalstories"]),
        "model": attr.string(default = "stories260K", values = ["stories260K"]),
        "variant": attr.string(default = "trained", doc = "trained | untrained:SEED | noise:REL_SD:SEED"),
        "feature_set": attr.string_list(default = ["activations"]),
        "context_words": attr.int(default = 20, doc = "preceding words per word; 0 = all that fit"),
        "lags": attr.int(default = 10),
        "segment_pool": attr.string(default = "none", values = ["none", "last", "mean", "last-token"]),
        "extract_args": attr.string_list(doc = "further `neuroscore extract` options, e.g. --ig-steps 20"),
        "data_hint": attr.label(default = "//:WORKSPACE", allow_single_file = True),
        "data_manifest": attr.label(default = "//third_party/data:manifest.tsv", allow_single_file = True),
        "_tool": attr.label(
            default = "//reproductions/features:extract_features",
            executable = True,
            cfg = "exec",
        ),
    },
)

def lm_features(name, dataset, variant = "trained", features = ["activations"], context_words = 20, **kwargs):
    """Word features of `dataset` (alice | pereira | naturalstories) as a tree artifact `name`.

    Args:
      name: target and output directory name.
      dataset: alice | pereira | naturalstories.
      variant: trained | untrained:SEED | noise:REL_SD:SEED (`neuroscore extract --model-variant`).
      features: `neuroscore extract --features` entries (activations, attention, grad_norm, ...).
      context_words: preceding words of context per word (0 = all that fit).
      **kwargs: lags, segment_pool ("none" | "last" | "mean" | "last-token"), extract_args, model, data_hint, tags, ...
    """
    _lm_features(
        name = name,
        dataset = dataset,
        variant = variant,
        feature_set = features,
        context_words = context_words,
        **kwargs
    )
