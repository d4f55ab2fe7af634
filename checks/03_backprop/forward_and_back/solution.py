import numpy as np

from mlkata.given.autograd import Arr, log_back, multiply_back0, multiply_back1


def forward_and_back(a: Arr, b: Arr, c: Arr) -> tuple[Arr, Arr, Arr]:
    d = a * b
    e = np.log(c)
    f = d * e
    g = np.log(f)
    dg_dg = np.ones_like(g)
    dg_df = log_back(dg_dg, g, f)
    dg_dd = multiply_back0(dg_df, f, d, e)
    dg_de = multiply_back1(dg_df, f, d, e)  # (1,): summed over the places e was broadcast to
    dg_da = multiply_back0(dg_dd, d, a, b)
    dg_db = multiply_back1(dg_dd, d, a, b)
    dg_dc = log_back(dg_de, e, c)
    return dg_da, dg_db, dg_dc
