import torch

from mlkata.checking import context, expect, expect_close, expect_shape, load_reference

reference = load_reference(__file__)


def check(learner):
    for num_pixels, y_limit in ((9, 10.0), (4, 0.5), (1, 2.0), (0, 1.0)):
        with context(f"make_rays_1d: {num_pixels} pixels, y from -{y_limit} to {y_limit}"):
            expect_close(
                learner.make_rays_1d(num_pixels, y_limit),
                reference.make_rays_1d(num_pixels, y_limit),
                what="the rays",
            )

    for ny, nz, y_limit, z_limit in ((3, 4, 0.3, 0.5), (5, 2, 1.0, 0.25), (1, 3, 1.0, 2.0), (2, 1, 0.5, 0.5), (0, 3, 1.0, 1.0)):
        with context(f"make_rays_2d: {ny} × {nz} pixels, y from -{y_limit} to {y_limit}, z from -{z_limit} to {z_limit}"):
            got = learner.make_rays_2d(ny, nz, y_limit, z_limit)
            expected = reference.make_rays_2d(ny, nz, y_limit, z_limit)
            expect_shape(got, (ny * nz, 2, 3), what="the rays")
            # The usual mistake, the grid walked z-major, gets its own message.
            z_major = expected.reshape(ny, nz, 2, 3).transpose(0, 1).reshape(ny * nz, 2, 3)
            walked_z_major = ny > 1 and nz > 1 and got.dtype == expected.dtype and torch.allclose(got, z_major)
            expect(
                not walked_z_major,
                "the rays are in z-major order; they should be y-major",
                f"Ray number iy * {nz} + iz should point at (1, y[iy], z[iz]): z changes fastest, y slowest.",
                f"Yours has ray iz * {ny} + iy there.",
            )
            expect_close(got, expected, what="the rays")
