"""Copies the built `neuroscore` package (Python files and the extension module) into a
site-packages folder, so `import neuroscore` works outside Bazel:

  bazel run --config=opt //python:install              # the user's site-packages of /usr/bin/python3
  bazel run --config=opt //python:install -- DIR       # or DIR (then put DIR on PYTHONPATH)

--config=opt builds the module with -O3 -march=native (the default build runs the statistics
unoptimized). An existing DIR/neuroscore is replaced.
"""
import argparse
import os
import shutil
import site
import sys

import neuroscore


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", nargs="?", default=site.getusersitepackages(),
                        help="target folder (default: %(default)s)")
    args = parser.parse_args()
    target_root = os.path.join(os.environ.get("BUILD_WORKING_DIRECTORY", ""), os.path.expanduser(args.dir))
    source = os.path.dirname(os.path.abspath(neuroscore.__file__))
    target = os.path.join(target_root, "neuroscore")
    os.makedirs(target_root, exist_ok=True)
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(target)
    names = sorted(n for n in os.listdir(source) if n.endswith(".py") or n.endswith(".so"))
    if "_neuroscore.so" not in names:
        sys.exit(f"install: no _neuroscore.so next to {neuroscore.__file__}")
    for name in names:
        shutil.copyfile(os.path.realpath(os.path.join(source, name)), os.path.join(target, name))
    print(f"install: neuroscore ({len(names)} files) -> {target}")
    # The user site-packages joins sys.path when an interpreter starts and the folder exists, so a
    # first install there is on the path of every interpreter started from now on.
    on_path = os.path.realpath(target_root) in map(os.path.realpath, sys.path)
    user_site = site.ENABLE_USER_SITE and os.path.realpath(target_root) == os.path.realpath(site.getusersitepackages())
    if not on_path and not user_site:
        print(f"install: {target_root} is not on /usr/bin/python3's path; use PYTHONPATH={target_root}")


if __name__ == "__main__":
    main()
