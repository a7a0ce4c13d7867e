#!/usr/bin/env python3
"""Writes a Jekyll site of N posts, each with one image of its own, for the import benchmark.

Usage: generate_site.py N FOLDER [IMAGES [SIDE]]
  IMAGES: how many of the posts have an image (every N/IMAGES-th; default all of them);
  SIDE: the images' width and height in pixels (default 8; noise, so about 3 * SIDE^2 bytes).
"""
import os
import random
import struct
import sys
import zlib


def png(seed, side=8):
    # A side x side RGB image whose pixels depend on the seed: every post has a different file.
    if side == 8:
        rows = b"".join(b"\x00" + bytes(((seed * 7 + x * 31 + y * 17) % 256 for x in range(8) for _ in range(3))) for y in range(8))
    else:
        noise = random.Random(seed)
        rows = b"".join(b"\x00" + noise.randbytes(3 * side) for _ in range(side))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"tEXt", b"Comment\x00" + str(seed).encode()) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def main():
    count, folder = int(sys.argv[1]), sys.argv[2]
    images = int(sys.argv[3]) if len(sys.argv) > 3 else count
    side = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    every = max(1, count // max(1, images))
    os.makedirs(os.path.join(folder, "_posts"), exist_ok=True)
    os.makedirs(os.path.join(folder, "assets"), exist_ok=True)
    with open(os.path.join(folder, "_config.yml"), "w") as config:
        config.write("title: Benchmark\ntimezone: Europe/Oslo\npermalink: /:year/:month/:day/:title/\n")
    paragraph = "Words about servers, types and tests, written to be read. " * 12
    for number in range(count):
        year, day = 2000 + number % 25, 1 + number % 28
        name = f"{year}-{1 + number % 12:02d}-{day:02d}-post-number-{number}"
        figure = ""
        if number % every == 0:
            with open(os.path.join(folder, "assets", f"image-{number}.png"), "wb") as image:
                image.write(png(number, side))
            figure = f"![Figure {number}](/assets/image-{number}.png)\n\n"
        with open(os.path.join(folder, "_posts", name + ".md"), "w") as post:
            post.write(
                f"---\ntitle: Post number {number}\ntags: [bench, t{number % 50}]\nauthor: Writer {number % 7}\n---\n"
                f"{paragraph}\n\n{figure}## A section\n\n"
                f"{paragraph}\n\n```swift\nlet x = {number}\n```\n\nSee [the first post](/2000/01/01/post-number-0/).\n"
            )


if __name__ == "__main__":
    main()
