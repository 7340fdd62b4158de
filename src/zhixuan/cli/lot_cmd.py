"""`zhixuan lot`: make a secret and its commitment, draw an order, verify a published draw (L1)."""

from __future__ import annotations

import argparse
import json
import secrets

from zhixuan.rules.lot import LotError, commitment, draw, verify


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lot = sub.add_parser("lot", help="可核验的抽签 / checkable lots (L1)")
    verbs = lot.add_subparsers(dest="verb", required=True)

    new = verbs.add_parser("new", help="生成秘密值并给出承诺值 / make a secret and its commitment")
    new.set_defaults(handler=_new)

    run = verbs.add_parser("draw", help="抽签 / draw an order")
    _draw_args(run)
    run.add_argument("--json", action="store_true")
    run.set_defaults(handler=_draw)

    check = verbs.add_parser("verify", help="核验已公布的抽签 / verify a published draw")
    _draw_args(check)
    check.add_argument("--order", required=True, help="公布的顺序，逗号分隔 / published order, comma-separated")
    check.set_defaults(handler=_verify)


def _draw_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--secret", required=True, help="秘密值（十六进制）/ secret, hex")
    parser.add_argument("--commitment", help="事先公布的承诺值 / the commitment published beforehand")
    parser.add_argument("--entropy", required=True, help="现场公开随机数，如骰子点数 / public entropy, e.g. dice")
    parser.add_argument("--label", required=True, help="抽签名称 / what the draw decides")
    parser.add_argument("items", nargs="+", help="参加抽签的各项 / the items")


def _new(args: argparse.Namespace) -> int:
    del args
    secret = secrets.token_bytes(32)
    print(f"secret (保密，抽签后公布 / keep until the draw): {secret.hex()}")
    print(f"commitment (现在公布 / publish now):            {commitment(secret)}")
    return 0


def _drawn(args: argparse.Namespace) -> tuple[str, ...] | None:
    try:
        result = draw(
            args.items,
            bytes.fromhex(args.secret),
            args.entropy,
            args.label,
            published_commitment=args.commitment,
        )
    except (LotError, ValueError) as exc:
        print(f"抽签无法进行 / cannot draw: {exc}")
        return None
    return result.order


def _draw(args: argparse.Namespace) -> int:
    order = _drawn(args)
    if order is None:
        return 2
    if args.json:
        print(
            json.dumps(
                {"order": list(order), "commitment": commitment(bytes.fromhex(args.secret))},
                ensure_ascii=False,
            )
        )
    else:
        for n, item in enumerate(order, 1):
            print(f"{n}. {item}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    if args.commitment and not verify(args.commitment, bytes.fromhex(args.secret)):
        print("✗ 秘密值与承诺值不符 / the secret does not match the commitment")
        return 1
    order = _drawn(args)
    if order is None:
        return 2
    published = tuple(s.strip() for s in args.order.split(","))
    if published != order:
        print(f"✗ 顺序不符 / order differs: recomputed {', '.join(order)}")
        return 1
    print("✓ 抽签结果核验一致 / the draw checks out")
    return 0
