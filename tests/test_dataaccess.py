"""The shared data-access model: what reads, writes, commits, and what is a transaction."""

from __future__ import annotations

import ast
import textwrap

import pytest

from readylint.catalog import Catalog
from readylint.python.dataaccess import (
    COMMIT, CONNECTION, CURSOR, INSTANCE, QUERYSET, SESSION, WRITE, DataAccess, DataAccessSpec, sql_is_write,
)
from readylint.python.localflow import Assigned, Entered, Iterated, LocalBindings, Parameter, Unpacked
from readylint.python.names import QualifiedNames


@pytest.fixture(scope="module")
def spec() -> DataAccessSpec:
    return DataAccessSpec.from_catalog(Catalog.load().by_code["RL201"].catalog)


def model(source: str, spec: DataAccessSpec) -> tuple[DataAccess, ast.FunctionDef]:
    tree = ast.parse(textwrap.dedent(source))
    function = next(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return DataAccess(tree, QualifiedNames(tree), spec), function


def accesses(source: str, spec: DataAccessSpec) -> list[tuple[str, str, bool, str]]:
    data, function = model(source, spec)
    return [(a.label, a.action, a.autocommit, a.target) for a in data.accesses_in(function)]


def test_django_writes_through_managers_querysets_instances_and_related_managers(spec):
    found = accesses("""
        from shop.models import Order
        def f(pk):
            order = Order.objects.get(pk=pk)
            pending = Order.objects.filter(status="new")
            order.save()
            pending.update(status="seen")
            order.lines.create(sku="x")
            Order.objects.filter(pk=pk).exists()
    """, spec)
    assert found == [
        ("order.save()", WRITE, True, "Order"),
        ("pending.update()", WRITE, True, "Order"),
        ("order.lines.create()", WRITE, True, "order.lines"),
    ]


def test_unknown_receivers_are_not_classified(spec):
    assert accesses("""
        def f(form, data, items):
            form.save()
            data.update({"a": 1})
            items.tags.remove("x")
    """, spec) == []


def test_a_name_bound_to_two_different_things_has_no_kind(spec):
    data, function = model("""
        from shop.models import Order
        def f(pk, other):
            order = Order.objects.get(pk=pk)
            if other:
                order = other
            order.save()
    """, spec)
    assert data.writes_in(function) == []


def test_none_initialisation_does_not_hide_the_kind(spec):
    data, function = model("""
        from shop.models import Order
        def f(pk):
            order = None
            if pk:
                order = Order(pk=pk)
                order.save()
    """, spec)
    assert [a.label for a in data.writes_in(function)] == ["order.save()"]


def test_sqlalchemy_session_writes_and_commits(spec):
    found = accesses("""
        from sqlalchemy import insert, select
        from sqlalchemy.orm import Session
        def f(session: Session, user):
            session.add(user)
            session.execute(select(user))
            session.execute(insert(user).values(a=1))
            session.commit()
    """, spec)
    assert [(label, action) for label, action, _, _ in found] == [
        ("session.add()", WRITE), ("session.execute()", WRITE), ("session.commit()", COMMIT),
    ]
    assert all(autocommit is False for _, _, autocommit, _ in found)


def test_dbapi_sql_is_classified_by_its_verb(spec):
    found = accesses("""
        import psycopg2
        def f(dsn):
            conn = psycopg2.connect(dsn)
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
                cur.execute("  -- why\\n INSERT INTO audit VALUES (1)")
            conn.commit()
    """, spec)
    assert found == [("cur.execute()", WRITE, False, "audit"), ("conn.commit()", COMMIT, False, "conn")]


@pytest.mark.parametrize("sql, is_write", [
    ("select * from t", False),
    ("UPDATE t SET a = 1", True),
    ("/* c */ (DELETE FROM t)", True),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", True),
    ("WITH x AS (SELECT 1) SELECT * FROM x", False),
    ("", False),
])
def test_sql_is_write(spec, sql, is_write):
    assert sql_is_write(sql, spec.sql_write_verbs) is is_write


@pytest.mark.parametrize("source, kind", [
    ("from shop.models import Order\ndef f():\n    x = Order.objects.filter(a=1)\n    return x", QUERYSET),
    ("from shop.models import Order\ndef f():\n    x, created = Order.objects.get_or_create(a=1)\n    return x", INSTANCE),
    ("from shop.models import Order\ndef f():\n    for x in Order.objects.all():\n        return x", INSTANCE),
    ("from django.db import connection\ndef f():\n    with connection.cursor() as x:\n        return x", CURSOR),
    ("from sqlalchemy.orm import sessionmaker\nS = sessionmaker()\ndef f():\n    x = S()\n    return x", SESSION),
    ("import asyncpg\nasync def f():\n    x = await asyncpg.connect()\n    return x", CONNECTION),
])
def test_kinds_follow_local_flow(spec, source, kind):
    data, function = model(source, spec)
    returned = next(n for n in ast.walk(function) if isinstance(n, ast.Return)).value
    assert data.kind_of(returned, function).what == kind


def test_transaction_scopes(spec):
    data, function = model("""
        import psycopg2
        from django.db import transaction
        @transaction.atomic(using="x")
        def f(session, dsn):
            conn = psycopg2.connect(dsn)
            with transaction.atomic(), session.begin(), conn, open("x"):
                pass
    """, spec)
    assert data.is_transactional(function)
    items = next(n for n in ast.walk(function) if isinstance(n, ast.With)).items
    assert [data.is_transaction_scope(i.context_expr, function) for i in items] == [True, True, True, False]


def test_local_bindings_forms():
    tree = ast.parse(textwrap.dedent("""
        def f(a, *rest):
            b = g()
            c, d = h()
            for e in a:
                pass
            with k() as w:
                pass
            n = 1
            n += 1
    """))
    bindings = LocalBindings(tree.body[0])
    assert isinstance(bindings.of("a")[0], Parameter)
    assert isinstance(bindings.of("b")[0], Assigned)
    assert isinstance(bindings.of("d")[0], Unpacked) and bindings.of("d")[0].index == 1
    assert isinstance(bindings.of("e")[0], Iterated)
    assert isinstance(bindings.of("w")[0], Entered)
    assert bindings.of("n") is None and bindings.of("rest") is None
    assert not bindings.is_local("g")
