"""Compiled reads (issue 12): a query whose root fields are covered is answered by SQL that
builds the response JSON in the database; everything else runs on the resolver path."""
