import { db } from '@/lib/db';

export async function POST(req: Request) { // expect: RL201
  const { customerId, items } = await req.json();
  const [order] = await db('orders').insert({ customer_id: customerId }).returning('*');
  await db('order_lines').insert(items.map((item: { sku: string }) => ({ order_id: order.id, sku: item.sku })));
  return Response.json(order);
}

export async function GET() {
  const orders = await db('orders').select('*');
  for (const order of orders) { // expect: RL202
    order.customer = await db('customers').where({ id: order.customer_id }).first();
  }
  return Response.json(orders);
}
