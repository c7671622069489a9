import { billing } from '@/lib/billing';

export async function POST(req: Request) { // expect: RL601
  const order = await req.json();
  const rates = await fetch('https://rates.example.test/eur'); // expect: RL101
  const charge = await billing.post('/charges', { amount: order.total }); // expect: RL101
  return Response.json({ rates: await rates.json(), charge: charge.data });
}
