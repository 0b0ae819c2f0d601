-- @include ../../samples/chinook/chinook-sqlite-schema.sql
CREATE VIEW [TrackList] AS SELECT t.[TrackId], t.[Name], a.[Title] FROM [Track] t JOIN [Album] a ON a.[AlbumId] = t.[AlbumId];
