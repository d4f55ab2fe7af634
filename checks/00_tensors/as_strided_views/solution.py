from collections import namedtuple

TestCase = namedtuple("TestCase", ["output", "size", "stride"])

# x = torch.arange(20).view(4, 5): a row is 5 elements long, so going down one row is a
# step of 5 in storage, and going right one column a step of 1.


def as_strided_views() -> list[TestCase]:
    return [
        TestCase(output=[0, 1, 2, 3, 4], size=(5,), stride=(1,)),
        TestCase(output=[0, 5, 10, 15], size=(4,), stride=(5,)),
        TestCase(output=[[0, 1, 2], [5, 6, 7]], size=(2, 3), stride=(5, 1)),
        TestCase(output=[0, 6, 12, 18], size=(4,), stride=(6,)),  # down one and right one
        TestCase(output=[[0, 1, 2, 3, 4]] * 3, size=(3, 5), stride=(0, 1)),  # stride 0 repeats
        TestCase(output=[[0, 1, 2], [1, 2, 3], [2, 3, 4]], size=(3, 3), stride=(1, 1)),  # windows overlap
    ]
