"""Families of operations that must be banned together.

A manifest bans what an exercise asks the learner to build (`conv1d`). The same
computation has other spellings that reach it: the rest of the family (a 2-d, 3-d or
transposed convolution computes a 1-d one), the operators torch runs underneath
(`torch.ops.aten.convolution`, `torch._convolution`, the backend kernels), NumPy's twin
(`numpy.convolve`) and torch's own Python re-implementations (`torch._refs.eye`).

A family lists:

- `members`: torch functions, in the manifest's notation (a bare name is looked up in
  every namespace `bans.BARE_NAME_NAMESPACES` names; a dotted path exactly). Banning any
  one of them, or any twin, bans the whole family. Classes are never members: banning
  `nn.Conv2d` asks for a module built around `F.conv2d`, not for a convolution by hand.
- `operators`: a regular expression the whole name of each of the family's registered
  operators matches (the part after `namespace::`, without the overload). Every matching
  operator is banned whatever door reaches it: `torch.ops.<namespace>.<name>`, a private
  binding (`torch._C._nn.im2col`), or, below every Python door, the operator's CPU
  kernel (for torch's own `aten` operators that have one). An operator belongs to one
  family at most.
- `twins`: NumPy and standard-library callables that compute the same thing.
- `includes`: other families a ban on this one implies (banning `bmm` also bans
  `baddbmm`, whose product it is; banning `addmm` in a `Linear` exercise does not ban `@`).
- `allowed_doors`: functions the exercise may still call that reach one of the family's
  operators through a door torch's function modes do not see (`torch.from_numpy` creates
  its tensor the way `torch.LongTensor([1, 2])` does).
- `what`: how a failure describes the family when only its operator was seen.

Names that do not exist in the installed torch or NumPy are skipped: families list what
each version may have.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    what: str
    members: tuple[str, ...]
    operators: str = ""
    twins: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    allowed_doors: tuple[str, ...] = ()


FAMILIES: tuple[Family, ...] = (
    Family(
        "convolution",
        what="a convolution",
        members=(
            "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
            "convolution", "torch._convolution", "torch._convolution_mode", "conv_tbc",
            "torch.nn.grad.conv1d_input", "torch.nn.grad.conv1d_weight", "torch.nn.grad.conv2d_input",
            "torch.nn.grad.conv2d_weight", "torch.nn.grad.conv3d_input", "torch.nn.grad.conv3d_weight",
        ),
        # Every backend's kernel (mkldnn_convolution, _slow_conv2d_forward, thnn_conv2d, ...),
        # the gradients (a transposed convolution), quantized and oneDNN variants; not the
        # weight packing and reordering helpers, nor `_convert_*` conversions.
        operators=r"(?!.*(prepack|unpack|reorder|convert)).*conv(olution|_transpose|_tbc|_depthwise|_pointwise|[123]d).*",
        twins=("numpy.convolve", "numpy.correlate", "numpy._core.multiarray.correlate", "numpy._core.multiarray.correlate2"),
    ),
    Family(
        "windows",
        what="an unfold into sliding windows",
        members=("torch.Tensor.unfold", "torch.nn.functional.unfold", "torch.nn.functional.fold"),
        operators=r"(unfold|unfold_copy|unfold_backward|im2col|col2im)",
        twins=("numpy.lib.stride_tricks.sliding_window_view",),
    ),
    Family(
        "identity",
        what="an identity matrix",
        members=("eye",),
        operators=r"eye",
        twins=("numpy.eye", "numpy.identity"),
    ),
    Family(
        "diagonal_matrix",
        what="a diagonal matrix built from its diagonal",
        members=("diag", "diag_embed", "diagflat", "block_diag", "diagonal_scatter", "torch.Tensor.fill_diagonal_"),
        operators=r"(diag|diag_embed|_diag_embed|diagflat|block_diag|diagonal_scatter|fill_diagonal_|_spdiags)",
        twins=("numpy.diag", "numpy.diagflat", "numpy.fill_diagonal"),
    ),
    Family(
        "diagonal",
        what="a diagonal taken out of a matrix",
        members=("diagonal", "torch.linalg.diagonal"),
        operators=r"(diagonal|diagonal_copy|linalg_diagonal)",
        twins=("numpy.diagonal",),
    ),
    Family(
        "trace",
        what="a trace",
        members=("trace",),
        operators=r"trace",
        twins=("numpy.trace",),
    ),
    Family(
        "matrix_product",
        what="a matrix product",
        members=(
            "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "tensordot", "chain_matmul",
            "torch.linalg.matmul", "torch.linalg.multi_dot", "torch.linalg.vecdot", "torch.nn.functional.bilinear",
        ),
        operators=r"(matmul|mm|bmm|mv|dot|vdot|inner|tensordot|chain_matmul|linalg_matmul|linalg_multi_dot|"
        r"linalg_vecdot|bilinear|_trilinear|smm|_int_mm|_grouped_mm|_scaled_mm|_mixed_dtypes_linear)",
        twins=(
            "numpy.matmul", "numpy.dot", "numpy.vdot", "numpy.inner", "numpy.tensordot", "numpy.vecdot",
            "numpy.matvec", "numpy.vecmat", "numpy.linalg.multi_dot", "numpy.linalg.matmul", "numpy.linalg.vecdot",
            "numpy.linalg.tensordot",
        ),
        includes=("multiply_add",),
    ),
    Family(
        "multiply_add",
        what="a fused matrix product and sum (what F.linear runs)",
        members=("addmm", "addmv", "addbmm", "baddbmm", "torch.nn.functional.linear"),
        operators=r"(addmm|addmv|addbmm|baddbmm|_addmm_activation|linear|mkldnn_linear|_mkl_linear|"
        r"_linear_pointwise|fbgemm_linear_.*)",
    ),
    Family(
        "outer",
        what="an outer product",
        members=("outer", "ger", "addr"),
        operators=r"(outer|ger|addr)",
        twins=("numpy.outer",),
    ),
    Family(
        "einsum",
        what="an einsum",
        members=("einsum",),
        operators=r"einsum",
        twins=("numpy.einsum",),
    ),
    Family(
        "softmax",
        what="a softmax",
        members=("softmax", "softmin", "torch._softmax", "torch.special.softmax"),
        operators=r"(softmax|_softmax|special_softmax|_safe_softmax|_masked_softmax|_softmax_backward_data|"
        r"_sparse_softmax|_nested_tensor_softmax_with_shape)",
    ),
    Family(
        "log_softmax",
        what="a log-softmax",
        members=("log_softmax", "torch._log_softmax", "torch.special.log_softmax"),
        operators=r"(log_softmax|_log_softmax|special_log_softmax|_log_softmax_backward_data|_sparse_log_softmax)",
    ),
    Family(
        "logsumexp",
        what="a logsumexp",
        members=("logsumexp", "torch.special.logsumexp"),
        operators=r"(logsumexp|special_logsumexp)",
    ),
    Family(
        "cross_entropy",
        what="a negative log-likelihood (cross-entropy) loss",
        members=(
            "cross_entropy", "nll_loss", "torch._C._nn.cross_entropy_loss", "torch._C._nn.nll_loss",
            "torch._C._nn.nll_loss_nd", "torch._C._nn.nll_loss2d",
        ),
        operators=r"(cross_entropy_loss|nll_loss|nll_loss_nd|nll_loss2d|nll_loss_forward|nll_loss2d_forward|"
        r"nll_loss_backward|nll_loss2d_backward)",
    ),
    Family("relu", what="a ReLU", members=("relu", "relu_"), operators=r"(relu|relu_|_relu)"),
    Family(
        "hardtanh",
        what="a ReLU6 or hardtanh",
        members=("relu6", "hardtanh", "hardtanh_"),
        operators=r"(relu6|relu6_|hardtanh|hardtanh_|hardtanh_backward)",
    ),
    Family(
        "clamp",
        what="a clamp",
        members=("clamp", "clamp_", "clamp_min", "clamp_min_", "clamp_max", "clamp_max_", "clip", "clip_"),
        operators=r"(clamp|clip)(_min|_max)?_?",
        twins=("numpy.clip",),
    ),
    Family(
        "threshold",
        what="a threshold",
        members=("threshold", "threshold_"),
        operators=r"threshold(_|_backward)?",
    ),
    Family(
        "leaky_relu",
        what="a leaky ReLU",
        members=("leaky_relu", "leaky_relu_"),
        operators=r"leaky_relu(_|_backward)?",
    ),
    Family(
        "elu",
        what="an ELU",
        members=("elu", "elu_", "celu", "celu_", "selu", "selu_"),
        operators=r"(elu|celu|selu)(_|_backward)?",
    ),
    Family("prelu", what="a PReLU", members=("prelu",), operators=r"(prelu|_prelu_kernel|_prelu_kernel_backward)"),
    Family(
        "rrelu",
        what="a randomized leaky ReLU",
        members=("rrelu", "rrelu_"),
        operators=r"rrelu(_with_noise)?(_|_backward|_functional)?",
    ),
    Family(
        "constant_pad",
        what="a constant padding",
        members=("torch.nn.functional.pad", "torch.constant_pad_nd"),
        operators=r"(pad|constant_pad_nd|_pad_enum|_pad_circular)",
        twins=("numpy.pad",),
    ),
    Family(
        "max_pool",
        what="a max pooling",
        members=(
            "max_pool1d", "max_pool2d", "max_pool3d", "torch.nn.functional.max_pool1d_with_indices",
            "torch.nn.functional.max_pool2d_with_indices", "torch.nn.functional.max_pool3d_with_indices",
            "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
            "torch.nn.functional.fractional_max_pool2d", "torch.nn.functional.fractional_max_pool3d",
        ),
        operators=r".*max_pool.*",
    ),
    Family(
        "avg_pool",
        what="an average pooling",
        members=("avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d"),
        operators=r".*avg_pool.*",
    ),
    Family(
        "batch_norm",
        what="a batch normalization",
        members=("torch.nn.functional.batch_norm", "torch.batch_norm", "torch.native_batch_norm"),
        operators=r".*batch_norm.*",
    ),
    Family(
        "tensor_from_data",
        what="a tensor built from Python values",
        members=(
            "torch.tensor", "torch.as_tensor", "torch.asarray", "torch.frombuffer", "torch.Tensor.new_tensor",
            "torch.Tensor.new",
        ),
        operators=r"(lift_fresh|lift_fresh_copy)",
        twins=(
            "numpy.array", "numpy.asarray", "numpy.asanyarray", "numpy.ascontiguousarray", "numpy.asfortranarray",
            "numpy.fromiter", "numpy.frombuffer", "numpy.fromstring",
        ),
        allowed_doors=("torch.from_numpy",),
    ),
    Family(
        "categorical_sample",
        what="a draw from a categorical distribution",
        members=("multinomial",),
        operators=r"multinomial",
        twins=("numpy.random.choice", "numpy.random.multinomial", "random.choices"),
    ),
    Family(
        "bernoulli",
        what="a Bernoulli or binomial draw",
        members=("bernoulli", "bernoulli_", "binomial"),
        operators=r"(bernoulli|bernoulli_|binomial)",
        twins=("numpy.random.binomial",),
    ),
    Family(
        "random_integers",
        what="uniformly drawn integers",
        members=("randint", "randint_like", "torch.Tensor.random_"),
        operators=r"(randint|randint_like|random_)",
        twins=("numpy.random.randint", "random.randint", "random.randrange"),
    ),
    Family("flatten", what="a flatten", members=("flatten",), operators=r"flatten"),
    Family(
        "attention",
        what="attention (softmax(q·kᵀ/√d)·v)",
        members=(
            "torch.nn.functional.scaled_dot_product_attention",
            "torch.nn.functional.multi_head_attention_forward",
        ),
        # every backend's fused kernel and its backward
        operators=r"(scaled_dot_product_attention|_scaled_dot_product_\w+|_fused_sdp_choice|_flash_attention_\w+"
        r"|_efficient_attention_\w+|_native_multi_head_attention)",
    ),
    Family(
        "normalization",
        what="a normalization over features (layer, group, instance or RMS norm)",
        members=(
            "torch.nn.functional.layer_norm", "torch.layer_norm", "torch.native_layer_norm",
            "torch.nn.functional.group_norm", "torch.group_norm", "torch.native_group_norm",
            "torch.nn.functional.instance_norm", "torch.instance_norm",
            "torch.nn.functional.rms_norm", "torch.rms_norm",
        ),
        operators=r"(layer_norm|native_layer_norm\w*|group_norm|native_group_norm\w*|instance_norm|rms_norm|_fused_rms_norm\w*)",
    ),
    Family(
        "embedding",
        what="an embedding lookup",
        members=("torch.nn.functional.embedding", "torch.embedding", "torch.nn.functional.embedding_bag", "torch.embedding_bag"),
        operators=r"(embedding|embedding_renorm_|embedding_dense_backward|embedding_backward|embedding_bag|_embedding_bag\w*)",
    ),
)

BY_NAME = {family.name: family for family in FAMILIES}
