"""What to offer each client: the products (or product groups) it does not buy but clients
like it do, chosen by a time-split backtest among popularity, item-kNN, EASE and ALS on Spark
(numpy/scipy, Spark for ALS)."""
