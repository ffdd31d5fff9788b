"""Streaming speech: live captions spoken on display-less glasses at talking speeds from slow to fast.

    python benchmarks/speech_stream.py [--seconds 60] [--rates 2,3,4,5,6,8] [--json [PATH]]

Scenario (quark-g1, no display, stereo speakers): a caption with its speaker set receives text
as a speech recogniser commits it, through `Caption.append`. English arrives at R words a
second in commits of 3 to 5 words (about 4: one every 4/R s); Chinese at R characters a second
in commits of 5 to 7 characters (about 6: one every 6/R s). Each commit is timed so its last
word arrives at (words so far) / R seconds. The texts are ordinary tour-guide talk and
conversation, no sentence said twice, long enough for 60 s at the fastest rate. Each language
and rate streams for `--seconds` of talk; the narrator ticks every 50 ms, as a device does, and
at every commit; then what is still queued plays out. The engine is the real espeak-ng (one
engine for all runs, so its cache is shared; a fresh narrator per run), and the pace is the
device profile's: the voice speeds up to max_rate as speech waits and skips to the newest
sentence only when more than skip_behind_s behind at max_rate.

Measured per language and rate, from the narrator's record (what speech.json holds):

  words in      words (Chinese: characters) committed
  heard         live words said, each timed to when it is heard
  skipped       words skipped to catch up, with an earcon
  lag           a word's arrival to when it is heard, seconds: p50, p95, max
  end lag       when the voice falls silent, after the last word arrived (seconds)
  speed         the slowest and fastest speed used (times the voice's normal pace) and the
                share of the speaking time spent at max_rate

Also reported: the wall time of each run and of the whole benchmark, and the machine's cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from hud.devices import load_device
from hud.speech import tts
from hud.speech.narrator import SCENE_TICK_S, Narrator
from hud.speech.stream import TOKEN
from hud.widgets import Caption

from json_out import add_json_option, table_stream, write_json  # this script's folder is on sys.path

DEVICE = "quark-g1"
RATES = (2, 3, 4, 5, 6, 8)
SECONDS = 60.0
COMMIT_SIZES = {"en": (4, 3, 5, 4, 4, 5, 3), "zh": (6, 5, 7, 6, 6, 7, 5)}  # words per commit, in turn
UNIT = {"en": "words/s", "zh": "chars/s"}
SPEAKER = {"en": "Guide", "zh": "导游"}

TEXT_EN = " ".join(
    """Good morning, everyone, and welcome to Hangzhou. My name is Lin, and I will be your guide
for the whole day. Before we start, please check that you have your ticket and a bottle of water.
It is going to be warm this afternoon, so a hat is a good idea. Our first stop is West Lake, which
is only a short walk from this hotel. Stay close to me when we cross the main road, because the
cars here do not always stop for people on foot. Does anyone need the bathroom before we leave?
There is one just behind the reception desk. All right, then let's go. On your left you can see
the old city gate. It was rebuilt about forty years ago, but the stones at the bottom are much
older than that. People say the gate was the last thing travellers saw when they left for the
capital. If you want a photo, the best spot is across the street, next to the bakery with the
green sign. Take your time, we are not in a hurry. Excuse me, sir, could you move a little to the
right? Thank you, that's perfect. Now, has anybody here been to China before? Oh, three of you,
that's wonderful. Where did you go last time? Beijing and Xi'an, very nice. Hangzhou is quite
different, much greener and a lot quieter. In the old days, poets came here to write about the
lake, the hills and the rain. Today most visitors come for the tea, the food and the long walks
by the water. We are now on the Su Causeway, which is almost three kilometres long. It was built
nearly a thousand years ago by a governor who was also a famous poet. He used the mud dug out of
the lake to make this path, and he planted willows and peach trees along both sides. In spring
the whole causeway turns pink and white. Please watch out for the bicycles, they come very fast
around the corner. If you get tired, there are benches every hundred metres or so. Somebody asked
me yesterday why the water looks so calm. The lake is very shallow, only about two metres deep in
most places, so the wind hardly makes any waves. Those small boats you see are for hire, and we
will take one after lunch. The boatman will row us to the little island in the middle. From there
you can see three stone towers standing in the water. On a full moon night, people put candles
inside them, and the light shines out through the round holes. It looks like there are many moons
on the lake at once. Lunch today is at a small family restaurant near the tea fields. The owner
has cooked there for more than thirty years. I recommend the fish with vinegar sauce and the
shrimp with tea leaves. If you do not eat meat, just tell me, and I will ask the kitchen for
something else. After lunch we will visit a tea farm in the hills. The farmers still pick the
leaves by hand, early in the morning, when the leaves are soft. You can try roasting some leaves
yourself in a hot iron pan. Be careful, it is much hotter than it looks. Later, we will taste
three kinds of green tea and compare them. Some people think they all taste the same, but I
promise you will notice the difference. Any questions so far? Yes, the bus will pick us up at
five o'clock by the north gate of the park. Please don't be late, because the driver cannot wait
long on that street. If you lose the group, call the number printed on the back of your ticket.
Someone will answer, day or night. Right, let's keep walking, the best view is just ahead of us.""".split()
)

TEXT_ZH = "".join(
    """
大家早上好，欢迎来到杭州。我姓林，今天由我带大家游览。出发之前，请确认门票和水都带好了。下午会比较热，最
好戴一顶帽子。我们的第一站是西湖，从酒店走过去只要十分钟。过马路的时候请跟紧我，这里的车不一定会让行人。
有没有人要先去洗手间？前台后面就有一个。好，那我们出发吧。左边这座是老城门，大约四十年前重新修过，不过下
面那几层石头要古老得多。听说以前进京赶考的人，离开杭州时最后看到的就是这座城门。想拍照的话，最好站到马路
对面，就在那家绿色招牌的面包店旁边。大家慢慢来，我们不着急。先生，麻烦您往右边站一点，谢谢，这样正好。有
谁以前来过中国吗？三位啊，太好了。上次去了哪里？北京和西安，都很不错。杭州跟那边很不一样，绿化多，也安静
得多。古时候很多诗人来这里写湖光山色，写江南的雨。现在的游客大多是为了喝茶、吃饭，还有沿着湖边散步。我们
脚下就是苏堤，全长将近三公里。它是大约一千年前一位太守修的，这位太守也是有名的诗人。他把湖底挖出来的淤泥
堆成了这条路，又在两边种了柳树和桃树。每到春天，整条苏堤都是粉色和白色的花。请注意自行车，它们转弯的时候
骑得很快。走累了也没关系，差不多每隔一百米就有一张长椅。昨天有位客人问我，为什么湖面这么平静。因为西湖很
浅，大部分地方只有两米左右，风吹过来也掀不起大浪。那些小船是可以租的，吃完午饭我们就去坐船。船工会把我们
摇到湖中间的小岛上，从那里能看到水里立着三座石塔。到了中秋月圆的晚上，人们会在塔里点上蜡烛，灯光从圆孔里
透出来，湖面上好像同时有好几个月亮。今天的午饭安排在茶园附近的一家小饭馆，老板在那里做了三十多年的菜。我
推荐西湖醋鱼和龙井虾仁。不吃肉的朋友跟我说一声，我请厨房另外准备。下午我们去山里的一个茶园，那里的茶农到
现在还是用手采茶，而且一定要趁清早叶子最嫩的时候。大家可以亲手在铁锅里炒一炒茶叶，小心烫，锅比看上去热得
多。""".split()
)


@dataclass
class Run:
    """One language at one rate: what went in, what was heard, and when."""

    language: str
    rate: float
    unit: str
    seconds: float
    commits: int = 0
    words_in: int = 0
    heard: int = 0
    skipped: int = 0
    lag_p50: float | None = None
    lag_p95: float | None = None
    lag_max: float | None = None
    last_arrival: float = 0.0
    voice_end: float = 0.0
    end_lag: float = 0.0
    speed_min: float = 1.0
    speed_max: float = 1.0
    at_max_share: float = 0.0
    utterances: int = 0
    wall_s: float = 0.0


def commits(text: str, language: str, rate: float, seconds: float) -> list[tuple[float, str]]:
    """(time, committed text) for `text` streamed at `rate` words a second for `seconds`: each
    commit holds the next few words (COMMIT_SIZES in turn) with the punctuation after them, and
    arrives when its last word has been said."""
    words = list(TOKEN.finditer(text))
    sizes = COMMIT_SIZES[language]
    timed: list[tuple[float, str]] = []
    start = count = 0
    while count < len(words):
        count = min(count + sizes[len(timed) % len(sizes)], len(words))
        at = round(count / rate, 4)
        if at > seconds:
            break
        end = words[count].start() if count < len(words) else len(text)
        timed.append((at, text[start:end].strip()))
        start = end
    if words and count == len(words) and count / rate < seconds:
        raise ValueError(f"the {language} text runs out at {count / rate:.1f} s of {seconds:g} s at {rate:g}/s")
    return timed


def stream(language: str, rate: float, seconds: float, engine: tts.Engine) -> Run:
    """Stream one language at one rate into a caption and let the narrator speak it."""
    started = time.perf_counter()
    text = TEXT_EN if language == "en" else TEXT_ZH
    caption = Caption(id="live", speaker=SPEAKER[language], lang=language)
    narrator = Narrator(caption, DEVICE, engine=engine)
    timed = commits(text, language, rate, seconds)
    ticks = sorted(
        {round(i * SCENE_TICK_S, 6) for i in range(int(seconds / SCENE_TICK_S) + 1)} | {at for at, _ in timed}
    )
    pending = list(timed)
    for t in ticks:
        while pending and pending[0][0] <= t:
            caption.append(pending.pop(0)[1])
        narrator.update(t)
    voice_end = narrator.finish()
    record = narrator.record()
    run = Run(
        language,
        rate,
        UNIT[language],
        seconds,
        commits=len(timed),
        words_in=len(TOKEN.findall(caption.text)),
        heard=record["latency"]["words"],
        skipped=record["skipped_words"],
        lag_p50=record["latency"]["p50"],
        lag_p95=record["latency"]["p95"],
        lag_max=record["latency"]["max"],
        utterances=len(narrator.utterances),
    )
    run.last_arrival = timed[-1][0] if timed else 0.0
    run.voice_end = round(voice_end, 3)
    run.end_lag = round(voice_end - run.last_arrival, 3)
    spoken = [u for u in narrator.utterances if u.live and u.start is not None and u.end is not None]
    if spoken:
        fastest = tts.quantize_rate(load_device(DEVICE).max_rate)
        total = sum(u.end - u.start for u in spoken)
        run.speed_min, run.speed_max = min(u.rate for u in spoken), max(u.rate for u in spoken)
        run.at_max_share = round(sum(u.end - u.start for u in spoken if u.rate >= fastest) / total, 4) if total else 0.0
    run.wall_s = round(time.perf_counter() - started, 3)
    return run


def run(seconds: float = SECONDS, rates: tuple[float, ...] = RATES) -> dict[str, Any]:
    started = time.perf_counter()
    engine = tts.engine()
    device = load_device(DEVICE)
    runs = [stream(language, rate, seconds, engine) for language in ("en", "zh") for rate in rates]
    return {
        "device": DEVICE,
        "engine": engine.name,
        "max_rate": device.max_rate,
        "skip_behind_s": device.skip_behind_s,
        "seconds": seconds,
        "rates": list(rates),
        "tick_s": SCENE_TICK_S,
        "cores": os.cpu_count(),
        "wall_s": round(time.perf_counter() - started, 3),
        "runs": [asdict(r) for r in runs],
    }


def print_table(result: dict[str, Any], out: TextIO = sys.stdout) -> None:
    print(
        f"live captions spoken on {result['device']} (no display), {result['engine']}: {result['seconds']:g} s "
        f"of talk per row; the voice speeds up to {result['max_rate']:g}x and skips when more than "
        f"{result['skip_behind_s']:g} s behind at that speed",
        file=out,
    )
    print(
        "English rates are words per second, Chinese rates characters per second (each character is a word "
        "here); lag is from a word's arrival to when it is heard",
        file=out,
    )
    print(file=out)
    print(
        "| language | rate | words in | heard | skipped | lag p50 s | lag p95 s | lag max s | end lag s "
        "| speed min-max | at max |",
        file=out,
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", file=out)

    def seconds(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    for r in result["runs"]:
        print(
            f"| {r['language']} | {r['rate']:g} {r['unit']} | {r['words_in']} | {r['heard']} | {r['skipped']} "
            f"| {seconds(r['lag_p50'])} | {seconds(r['lag_p95'])} | {seconds(r['lag_max'])} "
            f"| {r['end_lag']:.1f} | {r['speed_min']:.2f}-{r['speed_max']:.2f}x "
            f"| {100 * r['at_max_share']:.0f} % |",
            file=out,
        )
    print(file=out)
    print(f"{len(result['runs'])} runs in {result['wall_s']:.1f} s on {result['cores']} cores", file=out)


def rate_list(value: str) -> tuple[float, ...]:
    """`--rates`: comma-separated positive numbers."""
    try:
        rates = tuple(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, e.g. 2,3,4, got {value!r}") from None
    if not rates or any(not 0 < rate <= max(RATES) for rate in rates):
        raise argparse.ArgumentTypeError(f"each rate must be above 0 and at most {max(RATES)}, got {value!r}")
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--seconds",
        type=float,
        default=SECONDS,
        help=f"seconds of talk per language and rate (default {SECONDS:g}, at most {SECONDS:g})",
    )
    parser.add_argument(
        "--rates",
        type=rate_list,
        default=RATES,
        metavar="R,R,...",
        help=f"words (Chinese: characters) per second (default {','.join(map(str, RATES))})",
    )
    add_json_option(parser, "the results")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= SECONDS:
        parser.error(
            f"--seconds must be above 0 and at most {SECONDS:g} (the texts hold {SECONDS:g} s at "
            f"{max(RATES)} words a second)"
        )
    result = run(args.seconds, args.rates)
    print_table(result, table_stream(args.json))
    write_json(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
