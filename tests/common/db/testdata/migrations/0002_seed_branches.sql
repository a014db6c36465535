INSERT INTO branches (name, note) VALUES ('Chi bộ Thôn Nà Pài', 'back\slash; "quotes" and ''apostrophes''');
