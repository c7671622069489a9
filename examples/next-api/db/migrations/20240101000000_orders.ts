import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> { // expect: RL401
  await knex.schema.createTable('orders', (t) => {
    t.increments('id');
    t.integer('total').notNullable();
  });
}
