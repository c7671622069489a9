from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    total_cents = models.IntegerField()


class LedgerEntry(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    amount_cents = models.IntegerField()
