import axios from 'axios';

// Made once, used by every route: without a timeout, so is every call on it.
export const billing = axios.create({ baseURL: process.env.BILLING_URL });
