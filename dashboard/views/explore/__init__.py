"""The Explore tab: filters, the table, the plots and the comparison."""
