"""knex and Sequelize migrations as schema operations, replayed through the
one schema model; TypeORM and Drizzle declarations as declared tables."""

from __future__ import annotations

from readylint.sql.schema import SchemaModel
from readylint.typescript.schema import drizzle_tables, knex_operations, sequelize_operations, typeorm_tables
from readylint.typescript.tree import parse_script


def uncovered(read, *migrations: str) -> list[tuple[str, tuple[str, ...], int]]:
    model = SchemaModel()
    for index, source in enumerate(migrations):
        path = f"migrations/{index:04d}.js"
        model.replay(path, read(parse_script(source, path), "postgres"))
    return [(str(k.table), k.columns, k.line) for k in model.uncovered_foreign_keys()]


def test_knex_drops_renames_and_raw_sql_follow_the_history():
    first = """exports.up = (knex) => knex.schema
  .createTable('orders', (t) => {
    t.integer('user_id').references('users.id');
    t.integer('shop_id');
    t.foreign(['shop_id'], 'orders_shop_fk').references('id').inTable('shops');
    t.integer('cart_id').references('id').inTable('carts');
  });
exports.down = (knex) => knex.schema.dropTable('orders');
"""
    second = """exports.up = async (knex) => {
  await knex.schema.alterTable('orders', (t) => {
    t.dropForeign('user_id');
    t.renameColumn('cart_id', 'basket_id');
    t.dropForeign([], 'orders_shop_fk');
  });
  await knex.raw('CREATE INDEX orders_basket_idx ON orders (basket_id)');
};
exports.down = async () => {};
"""
    assert uncovered(knex_operations, first) == [
        ("orders", ("user_id",), 3), ("orders", ("shop_id",), 5), ("orders", ("cart_id",), 6),
    ]
    assert uncovered(knex_operations, first, second) == []


def test_knex_reads_up_only():
    source = """export async function up(knex) {
  await knex.schema.createTable('orders', (t) => { t.integer('user_id').references('users.id'); });
}
export async function down(knex) {
  await knex.schema.alterTable('orders', (t) => { t.index('user_id'); });
}
"""
    assert uncovered(knex_operations, source) == [("orders", ("user_id",), 2)]


def test_sequelize_constraints_indexes_and_removals():
    first = """module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.createTable('Orders', {
      id: { type: Sequelize.INTEGER, primaryKey: true },
      userId: { type: Sequelize.INTEGER, references: { model: 'Users', key: 'id' } },
      shopId: { type: Sequelize.INTEGER },
    });
    await queryInterface.addConstraint('Orders', ['shopId'], {
      type: 'FOREIGN KEY', name: 'orders_shop_fk', references: { table: 'Shops', field: 'id' },
    });
    await queryInterface.addIndex('Orders', ['userId'], { where: { deletedAt: null } });
  },
  down: async (queryInterface) => queryInterface.dropTable('Orders'),
};
"""
    second = """module.exports = {
  async up(queryInterface) {
    await queryInterface.removeConstraint('Orders', 'orders_shop_fk');
    await queryInterface.addIndex('Orders', ['userId', 'createdAt'], { name: 'orders_user_created' });
    await queryInterface.renameColumn('Orders', 'userId', 'customerId');
  },
  async down() {},
};
"""
    # The partial index does not cover userId; the shop key is dropped and userId, renamed, is indexed.
    assert uncovered(sequelize_operations, first) == [("Orders", ("userId",), 5), ("Orders", ("shopId",), 8)]
    assert uncovered(sequelize_operations, first, second) == []


def test_typeorm_composite_join_columns_and_class_indexes_by_property():
    source = """import { Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
@Entity({ name: 'line_items' })
@Index('line_items_order', ['order'])
@Unique(['variant', 'position'])
export class LineItem {
  @ManyToOne(() => Order)
  order: Order;

  @ManyToOne(() => Variant)
  @JoinColumn([{ name: 'variant_id' }, { name: 'variant_version' }])
  variant: Variant;

  @ManyToOne(() => Variant)
  @JoinColumn({ referencedColumnName: 'sku' })
  replacement: Variant;
}
"""
    (table,) = typeorm_tables(parse_script(source, "line-item.entity.ts"))
    assert table.name == "line_items"
    assert [(k.columns, k.references, k.line) for k in table.uncovered()] == [(("replacementSku",), "Variant", 13)]


def test_drizzle_schema_tables_and_composite_foreign_keys():
    source = """import { pgSchema, integer, foreignKey, index } from 'drizzle-orm/pg-core';
const app = pgSchema('app');
export const users = app.table('users', { id: integer('id').primaryKey() });
export const posts = app.table('posts', {
  authorId: integer('author_id').references(() => users.id),
  orgId: integer('org_id'),
}, (t) => [foreignKey({ columns: [t.orgId, t.authorId], foreignColumns: [users.id, users.id] }),
           index().on(t.authorId)]);
"""
    tables = drizzle_tables(parse_script(source, "schema.ts"))
    assert [(t.name, [(k.columns, k.references, k.line) for k in t.uncovered()]) for t in tables] == [
        ("posts", [(("orgId", "authorId"), "users", 7)]),
    ]
